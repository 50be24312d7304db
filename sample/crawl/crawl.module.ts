import { Module } from '@nestjs/common';
import { SecretsModule } from '../../lib';
import { FacebookCrawlSecrets } from '../secrets';
import { FacebookCrawlService } from './facebook-crawl.service';
import { HTTP_CLIENT, fetchJson } from './http-client';

/** A feature module with a section of its own, registered with forFeature. */
@Module({
  imports: [SecretsModule.forFeature([FacebookCrawlSecrets])],
  providers: [FacebookCrawlService, { provide: HTTP_CLIENT, useValue: fetchJson }],
  exports: [FacebookCrawlService],
})
export class CrawlModule {}
