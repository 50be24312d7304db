import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { INestApplication } from '@nestjs/common';
import { SecretsError } from '../../lib';
import { FacebookSecrets } from '../../sample/secrets';
import { SAMPLE_DIR, sampleApp } from './app';

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('the sample secrets files', () => {
  it('development-secrets.ini loads with nothing set (FACEBOOK_API_KEY has a fallback)', async () => {
    app = await sampleApp({ environment: 'development' });
    expect(app.get(FacebookSecrets).configured).toBe(true);
  });

  it('development-secrets.ini takes consumer_secret from FACEBOOK_API_KEY when set', async () => {
    app = await sampleApp({ environment: 'development', env: { FACEBOOK_API_KEY: 'from-the-shell' } });
    expect(app.get(FacebookSecrets).consumer_secret).toBe('from-the-shell');
  });

  it('every sample secrets file says at the top that it holds placeholders only', () => {
    for (const name of ['development-secrets.ini', 'test-secrets.ini', 'setup-secrets.example']) {
      expect(readFileSync(path.join(SAMPLE_DIR, name), 'utf8').split('\n')[0]).toMatch(/^# Placeholder/);
    }
  });

  it('a half-configured provider stops the app, naming the empty key', async () => {
    const error = await sampleApp({ overrides: { twitter: { consumer_key: 'only-the-key' } } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SecretsError);
    expect((error as SecretsError).message).toBe(
      `${path.join(SAMPLE_DIR, 'test-secrets.ini')}:20 [twitter] consumer_secret: consumer_secret is empty while consumer_key is set: set both, or leave both empty`,
    );
  });
});
