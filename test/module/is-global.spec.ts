import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { SecretsModule } from '../../lib';
import { FacebookSecrets } from './fixtures';

const values = { facebook: { consumer_key: 'k', consumer_secret: 's' } };

@Injectable()
class FacebookCrawler {
  constructor(readonly facebook: FacebookSecrets) {}
}

describe('isGlobal: false', () => {
  it("fails with Nest's own resolution error, naming the DTO class, in a module that did not import it", async () => {
    @Module({ providers: [FacebookCrawler] })
    class CrawlModule {}
    @Module({
      imports: [
        SecretsModule.forRoot({ logger: false, isGlobal: false, sections: [FacebookSecrets], values }),
        CrawlModule,
      ],
    })
    class AppModule {}
    const error = await Test.createTestingModule({ imports: [AppModule] })
      .compile()
      .catch((e: unknown) => e as Error);
    expect((error as Error).message).toContain(
      "Nest can't resolve dependencies of the FacebookCrawler (?). Please make sure that the argument FacebookSecrets at index [0] is available in the CrawlModule module.",
    );
  });

  it('works in a feature module that imports forFeature', async () => {
    @Module({ imports: [SecretsModule.forFeature([FacebookSecrets])], providers: [FacebookCrawler] })
    class CrawlModule {}
    @Module({ imports: [SecretsModule.forRoot({ logger: false, isGlobal: false, sections: [], values }), CrawlModule] })
    class AppModule {}
    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    expect(app.get(FacebookCrawler).facebook.consumer_key).toBe('k');
    await app.close();
  });
});
