import { type DynamicModule, Module } from '@nestjs/common';
import { SecretsModule, type SecretsModuleOptions } from '../lib';
import { AuthModule } from './auth/auth.module';
import { CrawlModule } from './crawl/crawl.module';
import { ROOT_SECTIONS } from './secrets';

@Module({})
export class AppModule {
  /**
   * The sample application. `secrets` adds to the SecretsModule options: the
   * e2e tests pass `environment: 'test'` and `env: {}`.
   */
  static register(secrets: Omit<SecretsModuleOptions, 'sections'> = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [SecretsModule.forRoot({ ...secrets, sections: ROOT_SECTIONS }), AuthModule, CrawlModule],
    };
  }
}
