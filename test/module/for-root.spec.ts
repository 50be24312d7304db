import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretsError, SecretsModule, SecretsService } from '../../lib';
import { tempDir, writeFile } from '../helpers/tmp';
import { CrawlerSecrets, DatabaseSecrets, FacebookSecrets, FIXTURE_INI } from './fixtures';

@Injectable()
class FacebookCrawler {
  constructor(
    readonly facebook: FacebookSecrets,
    readonly secrets: SecretsService,
  ) {}
}

let app: TestingModule | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function boot(options: Parameters<typeof SecretsModule.forRoot>[0]): Promise<TestingModule> {
  @Module({ imports: [SecretsModule.forRoot({ logger: false, ...options })], providers: [FacebookCrawler] })
  class AppModule {}
  app = await Test.createTestingModule({ imports: [AppModule] }).compile();
  return app;
}

describe('SecretsModule.forRoot', () => {
  it('injects each DTO class by its own token', async () => {
    const dir = tempDir();
    writeFile(dir, 'development-secrets.ini', FIXTURE_INI);
    const crawler = (await boot({ sections: [FacebookSecrets, DatabaseSecrets], directory: dir, env: {} })).get(
      FacebookCrawler,
    );
    expect(crawler.facebook).toBeInstanceOf(FacebookSecrets);
    expect(crawler.facebook.consumer_key).toBe('fb-key');
    expect(crawler.facebook.consumer_secret).toBe('fb-secret');
    expect(app!.get(DatabaseSecrets).port).toBe(5432);
  });

  it('offers SecretsService with get, getOrThrow, section, file and environment', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'test-secrets.ini', FIXTURE_INI);
    const service = (await boot({ sections: [FacebookSecrets], directory: dir, environment: 'test', env: {} })).get(
      SecretsService,
    );
    expect(service.file).toBe(file);
    expect(service.environment).toBe('test');
    expect(service.get('database.password')).toBe('db-password');
    expect(service.get('database.user')).toBeUndefined();
    expect(() => service.getOrThrow('database.user')).toThrow(SecretsError);
    expect(service.section(FacebookSecrets)).toBe(app!.get(FacebookSecrets));
  });

  it("reads test-secrets.ini with environment: 'test'", async () => {
    const dir = tempDir();
    writeFile(dir, 'test-secrets.ini', FIXTURE_INI.replace('fb-key', 'test-key'));
    writeFile(dir, 'development-secrets.ini', FIXTURE_INI);
    await boot({ sections: [FacebookSecrets], directory: dir, environment: 'test', env: {} });
    expect(app!.get(FacebookSecrets).consumer_key).toBe('test-key');
  });

  it('applies overrides over the file', async () => {
    const dir = tempDir();
    writeFile(dir, 'development-secrets.ini', FIXTURE_INI);
    await boot({
      sections: [FacebookSecrets],
      directory: dir,
      env: {},
      overrides: { facebook: { consumer_key: 'overridden' } },
    });
    expect(app!.get(FacebookSecrets).consumer_key).toBe('overridden');
    expect(app!.get(FacebookSecrets).consumer_secret).toBe('fb-secret');
  });

  it('takes values instead of a file', async () => {
    await boot({ sections: [FacebookSecrets], values: { facebook: { consumer_key: 'k', consumer_secret: 's' } } });
    expect(app!.get(FacebookSecrets).consumer_secret).toBe('s');
    expect(app!.get(SecretsService).file).toBeNull();
  });

  it('is isolated from SECRETS_FILE and NODE_ENV in the shell by env: {}', async () => {
    const dir = tempDir();
    writeFile(dir, 'development-secrets.ini', FIXTURE_INI);
    const saved = { ...process.env };
    process.env.SECRETS_FILE = path.join(dir, 'missing.ini');
    process.env.NODE_ENV = 'production';
    try {
      await boot({ sections: [FacebookSecrets], directory: dir, env: {} });
      expect(app!.get(SecretsService).environment).toBe('development');
    } finally {
      process.env = saved;
    }
  });

  it('injects null for an absent optional section', async () => {
    @Injectable()
    class UsesCrawler {
      constructor(readonly crawler: CrawlerSecrets) {}
    }
    @Module({
      imports: [SecretsModule.forRoot({ logger: false, sections: [CrawlerSecrets], values: {} })],
      providers: [UsesCrawler],
    })
    class AppModule {}
    app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    expect(app.get(UsesCrawler).crawler).toBeNull();
  });

  it('lets a test replace a section with overrideProvider', async () => {
    // The values still load and validate at start-up; the override replaces what is injected.
    const values = { facebook: { consumer_key: 'k', consumer_secret: 's' } };
    @Module({
      imports: [SecretsModule.forRoot({ logger: false, sections: [FacebookSecrets], values })],
      providers: [FacebookCrawler],
    })
    class AppModule {}
    const fake = Object.assign(new FacebookSecrets(), { consumer_key: 'fake-key', consumer_secret: 'fake-secret' });
    app = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(FacebookSecrets)
      .useValue(fake)
      .compile();
    expect(app.get(FacebookCrawler).facebook).toBe(fake);
  });

  it('does not start when loading fails, with the SecretsError as the reason', async () => {
    const dir = tempDir();
    writeFile(dir, 'development-secrets.ini', '[facebook]\nconsumer_key = k\nconsumer_secret = $FB_SECRET\n');
    const error = await boot({ sections: [FacebookSecrets], directory: dir, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsError);
    expect((error as SecretsError).message).toBe(
      `${path.join(dir, 'development-secrets.ini')}:3:19 [facebook] consumer_secret: variable FB_SECRET is not set (use \${FB_SECRET:-default} for a fallback)`,
    );
  });

  it('never writes into process.env', async () => {
    const before = JSON.stringify(process.env);
    const dir = tempDir();
    writeFile(dir, 'development-secrets.ini', FIXTURE_INI);
    await boot({ sections: [FacebookSecrets, DatabaseSecrets], directory: dir, environment: 'development' });
    expect(app!.get(FacebookSecrets).consumer_secret).toBe('fb-secret');
    expect(JSON.stringify(process.env)).toBe(before);
  });
});
