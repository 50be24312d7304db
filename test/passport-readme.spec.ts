/** README's "Ready-made provider DTOs" Passport example, as written there. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Controller, Get, Injectable, Module, Req, UseGuards } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { Test } from '@nestjs/testing';
import { type Profile, Strategy } from 'passport-facebook';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { OAuth2ProviderSecrets, SecretsModule, SecretsSection } from '../lib';

// The Quick start's DTO, which README's example imports from './secrets.js'.
@SecretsSection('facebook')
export class FacebookSecrets extends OAuth2ProviderSecrets {}

// ---- as in README ----
@Injectable()
export class FacebookStrategy extends PassportStrategy(Strategy, 'facebook') {
  constructor(facebook: FacebookSecrets) {
    super(facebook.passportOptions()); // { clientID, clientSecret, callbackURL, scope }
  }

  validate(_accessToken: string, _refreshToken: string, profile: Profile) {
    return { id: profile.id, name: profile.displayName };
  }
}

@Controller('auth')
export class AuthController {
  @Get('facebook')
  @UseGuards(AuthGuard('facebook'))
  login() {} // the guard redirects to Facebook

  @Get('facebook/callback')
  @UseGuards(AuthGuard('facebook'))
  callback(@Req() req: { user: { id: string; name: string } }) {
    return req.user;
  }
}

// FacebookSecrets is in SecretsModule.forRoot({ sections }) of the root module.
@Module({ controllers: [AuthController], providers: [FacebookStrategy] })
export class AuthModule {}
// ---- end of README ----

describe('README Passport example', () => {
  it('redirects to Facebook with the consumer_key as client_id and callback_url as redirect_uri', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        SecretsModule.forRoot({
          sections: [FacebookSecrets],
          logger: false,
          values: {
            facebook: {
              consumer_key: '1234567890',
              consumer_secret: 'dev-only-secret',
              scope: 'email',
              callback_url: 'http://localhost:3000/auth/facebook/callback',
            },
          },
        }),
        AuthModule,
      ],
    }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    try {
      const response = await request(app.getHttpServer()).get('/auth/facebook').expect(302);
      const location = new URL(response.headers.location);
      expect(location.host).toBe('www.facebook.com');
      expect(location.pathname).toMatch(/^\/v\d+\.\d+\/dialog\/oauth$/);
      expect(location.searchParams.get('client_id')).toBe('1234567890');
      expect(location.searchParams.get('redirect_uri')).toBe('http://localhost:3000/auth/facebook/callback');
      expect(location.searchParams.get('scope')).toBe('email');
      expect(response.headers.location).not.toContain('dev-only-secret');
    } finally {
      await app.close();
    }
  });

  it('is the code in README, after its imports', () => {
    const readme = readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');
    const block = /```ts\nimport \{ Controller, Get, Injectable[^]*?\n```/.exec(readme)?.[0];
    expect(block).toBeDefined();
    const afterImports = block!.slice(block!.indexOf('\n\n') + 2, -'\n```'.length);
    const here = readFileSync(__filename, 'utf8');
    const copied = here.slice(
      here.indexOf('// ---- as in README ----\n') + 26,
      here.indexOf('// ---- end of README ----'),
    );
    expect(copied.trim()).toBe(afterImports.trim());
  });
});
