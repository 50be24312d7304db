import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleApp } from './app';

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('GET /auth/providers', () => {
  it('lists configured providers with their scopes; twitter with empty keys is not configured', async () => {
    app = await sampleApp();
    const response = await request(app.getHttpServer()).get('/auth/providers').expect(200);
    expect(response.body).toEqual({
      configured: [
        { name: 'facebook', class: 'authomatic.providers.oauth2.Facebook', scope: ['user_about_me', 'email'] },
      ],
      notConfigured: ['twitter'],
    });
  });

  it('never answers with a key or a secret', async () => {
    app = await sampleApp();
    const response = await request(app.getHttpServer()).get('/auth/providers').expect(200);
    expect(response.text).not.toContain('111111111111111');
    expect(response.text).not.toContain('sample-test-facebook-secret');
  });

  it('lists twitter once both its keys are set', async () => {
    app = await sampleApp({ overrides: { twitter: { consumer_key: 'tk', consumer_secret: 'ts' } } });
    const response = await request(app.getHttpServer()).get('/auth/providers').expect(200);
    expect(response.body.configured.map((p: { name: string }) => p.name)).toEqual(['facebook', 'twitter']);
    expect(response.body.notConfigured).toEqual([]);
  });
});
