/** README's Quick start, as written there. */
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString, MinLength } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { OAuth2ProviderSecrets, SecretsModule, SecretsSection, SecretsService } from '../../lib';
import { tempDir, writeFile } from '../helpers/tmp';

const INI = `[facebook]
class = authomatic.providers.oauth2.Facebook
consumer_key = 1234567890
consumer_secret = \${FACEBOOK_API_KEY:-dev-only-secret}
scope = user_about_me, email

[session]
secret = 5f0c2e9a7d1b4c8e3a6f9d2b7e0c4a1f8d3b6e9c
`;

@SecretsSection('facebook')
class FacebookSecrets extends OAuth2ProviderSecrets {}

@SecretsSection('session')
class SessionSecrets {
  @IsString() @MinLength(32) secret!: string;
}

@Injectable()
class FacebookCrawler {
  constructor(
    readonly facebook: FacebookSecrets,
    readonly secrets: SecretsService,
  ) {}
}

describe('README Quick start', () => {
  it('injects the sections as the README says', async () => {
    const dir = tempDir();
    writeFile(dir, 'development-secrets.ini', INI);
    @Module({
      imports: [
        SecretsModule.forRoot({ sections: [FacebookSecrets, SessionSecrets], directory: dir, env: {}, logger: false }),
      ],
      providers: [FacebookCrawler],
    })
    class AppModule {}
    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const crawler = app.get(FacebookCrawler);
    expect(crawler.facebook.scope).toEqual(['user_about_me', 'email']);
    expect(crawler.facebook.consumer_secret).toBe('dev-only-secret');
    expect(crawler.secrets.get('facebook.consumer_key')).toBe('1234567890');
    expect(app.get(SessionSecrets).secret).toHaveLength(40);
    await app.close();
  });

  it("README's values example satisfies both sections", async () => {
    @Module({
      imports: [
        SecretsModule.forRoot({
          sections: [FacebookSecrets, SessionSecrets],
          values: { facebook: { consumer_key: 'k', consumer_secret: 's' }, session: { secret: 'x'.repeat(32) } },
          logger: false,
        }),
      ],
    })
    class AppModule {}
    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    expect(app.get(FacebookSecrets).configured).toBe(true);
    await app.close();
  });
});
