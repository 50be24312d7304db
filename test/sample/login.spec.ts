import { type INestApplication, Logger } from '@nestjs/common';
import passport from 'passport';
import { Strategy as TwitterPassportStrategy } from 'passport-twitter';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { FacebookStrategy } from '../../sample/auth/facebook.strategy';
import { TwitterStrategy } from '../../sample/auth/twitter.strategy';
import { sampleApp } from './app';

let app: INestApplication | undefined;
let warn: MockInstance<Logger['warn']>;
beforeEach(() => {
  warn = vi.spyOn(Logger.prototype, 'warn');
});
afterEach(async () => {
  warn.mockRestore();
  await app?.close();
  app = undefined;
});

/** What Passport's registry holds under `name` (process-wide, shared by every app in this file). */
function registered(name: string): unknown {
  return (passport as unknown as { _strategy(name: string): unknown })._strategy(name);
}

describe('log in with Facebook (OAuth 2)', () => {
  it('GET /auth/facebook redirects to the login dialog with consumer_key, callback_url and scope', async () => {
    app = await sampleApp();
    const response = await request(app.getHttpServer()).get('/auth/facebook').expect(302);
    const location = new URL(response.headers.location);
    expect(location.protocol).toBe('https:');
    expect(location.host).toBe('www.facebook.com');
    expect(location.pathname).toMatch(/^\/v\d+\.\d+\/dialog\/oauth$/);
    expect(location.searchParams.get('response_type')).toBe('code');
    expect(location.searchParams.get('client_id')).toBe('111111111111111');
    expect(location.searchParams.get('redirect_uri')).toBe('http://localhost:3000/auth/facebook/callback');
    expect(location.searchParams.get('scope')).toBe('user_about_me,email');
    expect(response.headers.location).not.toContain('sample-test-facebook-secret');
  });

  it('GET /auth/facebook/callback exists: a denied login is 401, not 404', async () => {
    app = await sampleApp();
    await request(app.getHttpServer()).get('/auth/facebook/callback?error=access_denied').expect(401);
  });

  it('registers the strategy built from the injected DTO', async () => {
    app = await sampleApp();
    const strategy = app.get(FacebookStrategy);
    expect(strategy).toBeInstanceOf(FacebookStrategy);
    expect(registered('facebook')).toBe(strategy);
    expect(warn).not.toHaveBeenCalledWith(expect.stringContaining('facebook login'));
  });

  it('not configured: the app starts, logs why, and GET /auth/facebook is 404', async () => {
    app = await sampleApp({ overrides: { facebook: { consumer_key: '', consumer_secret: '' } } });
    expect(warn).toHaveBeenCalledWith(
      'facebook login is not configured: fill in [facebook] consumer_key and consumer_secret; GET /auth/facebook answers 404',
    );
    expect(app.get(FacebookStrategy)).toBeNull();
    await request(app.getHttpServer()).get('/auth/facebook').expect(404);
    await request(app.getHttpServer()).get('/auth/facebook/callback?code=x').expect(404);
  });
});

describe('log in with Twitter (OAuth 1); no request leaves the process', () => {
  it('not configured (test-secrets.ini): logs why, provides no strategy, GET /auth/twitter is 404', async () => {
    app = await sampleApp();
    expect(warn).toHaveBeenCalledWith(
      'twitter login is not configured: fill in [twitter] consumer_key and consumer_secret; GET /auth/twitter answers 404',
    );
    expect(app.get(TwitterStrategy)).toBeNull();
    await request(app.getHttpServer()).get('/auth/twitter').expect(404);
    await request(app.getHttpServer()).get('/auth/twitter/callback').expect(404);
  });

  it('configured: the strategy is built from the DTO and registered with Passport as "twitter"', async () => {
    app = await sampleApp({ overrides: { twitter: { consumer_key: 'tk', consumer_secret: 'ts' } } });
    const strategy = app.get(TwitterStrategy);
    expect(strategy).toBeInstanceOf(TwitterPassportStrategy);
    expect(strategy.name).toBe('twitter');
    expect(registered('twitter')).toBe(strategy);
    expect(warn).not.toHaveBeenCalledWith(expect.stringContaining('twitter login'));
  });
});
