/** README "Testing your app", way 5: the real AppModule, with the test's values instead of its file. */
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString, MinLength } from 'class-validator';
import { afterEach, describe, expect, it } from 'vitest';
import { SECRETS_MODULE_OPTIONS, SecretsError, SecretsModule, SecretsSection, SecretsService } from '../../lib';

@SecretsSection('facebook')
class FacebookSecrets {
  @IsString() consumer_key!: string;
  @IsString() @MinLength(8) consumer_secret!: string;
}

@Injectable()
class FacebookCrawler {
  constructor(readonly facebook: FacebookSecrets) {}
}

// The application's module, as it is: its file does not exist in the test.
@Module({
  imports: [SecretsModule.forRoot({ sections: [FacebookSecrets], file: '/nonexistent/production-secrets.ini' })],
  providers: [FacebookCrawler],
})
class AppModule {}

describe('overrideProvider(SECRETS_MODULE_OPTIONS)', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('swaps the secrets of the real AppModule: no file read, the test values injected everywhere', async () => {
    // ---- as in README ----
    const app = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(SECRETS_MODULE_OPTIONS)
      .useValue({ values: { facebook: { consumer_key: 'test-key', consumer_secret: 'test-secret' } }, logger: false })
      .compile();
    // ---- end ----
    close = () => app.close();
    expect(app.get(FacebookCrawler).facebook.consumer_key).toBe('test-key');
    expect(app.get(SecretsService).get('facebook.consumer_secret')).toBe('test-secret');
    expect(app.get(SecretsService).file).toBeNull();
  });

  it("validates the test's values with the app's DTOs", async () => {
    const error = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(SECRETS_MODULE_OPTIONS)
      .useValue({ values: { facebook: { consumer_key: 'test-key', consumer_secret: 'short' } }, logger: false })
      .compile()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsError);
    expect((error as SecretsError).message).toBe(
      '[facebook] consumer_secret: consumer_secret must be longer than or equal to 8 characters',
    );
  });
});
