import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadSecrets, OAuth1ProviderSecrets, OAuth2ProviderSecrets, SecretsError, SecretsSection } from '../lib';

@SecretsSection('facebook')
class FacebookSecrets extends OAuth2ProviderSecrets {}

@SecretsSection('twitter')
class TwitterSecrets extends OAuth1ProviderSecrets {}

const facebook = {
  class: 'authomatic.providers.oauth2.Facebook',
  consumer_key: 'key-value',
  consumer_secret: 'secret-value',
  scope: 'user_about_me, email',
  mapper: 'websauna.system.user.social.FacebookMapper',
};

async function load(values: Record<string, Record<string, string>>) {
  return loadSecrets({ sections: [FacebookSecrets, TwitterSecrets], values });
}

describe('OAuth provider DTOs', () => {
  it('a provider with both keys is configured; scope is a list', async () => {
    const secrets = await load({ facebook, twitter: { consumer_key: '', consumer_secret: '' } });
    const fb = secrets.section(FacebookSecrets)!;
    expect(fb.configured).toBe(true);
    expect(fb.scope).toEqual(['user_about_me', 'email']);
    expect(fb.class).toBe('authomatic.providers.oauth2.Facebook');
  });

  it('a provider with both keys empty, or absent, is not configured', async () => {
    expect(
      (await load({ facebook, twitter: { consumer_key: '', consumer_secret: '' } })).section(TwitterSecrets)
        ?.configured,
    ).toBe(false);
    expect((await load({ facebook, twitter: {} })).section(TwitterSecrets)?.configured).toBe(false);
  });

  it.each([
    [
      'consumer_key',
      { consumer_key: '', consumer_secret: 'only-secret' },
      'consumer_key is empty while consumer_secret is set: set both, or leave both empty',
    ],
    [
      'consumer_secret',
      { consumer_key: 'only-key', consumer_secret: '' },
      'consumer_secret is empty while consumer_key is set: set both, or leave both empty',
    ],
  ])('exactly one key empty is a VALIDATION problem naming the empty one (%s)', async (key, twitter, message) => {
    const error = await load({ facebook, twitter }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsError);
    expect((error as SecretsError).problems).toEqual([{ code: 'VALIDATION', section: 'twitter', key, message }]);
  });

  it('configured is read-only', async () => {
    const fb = (await load({ facebook, twitter: {} })).section(FacebookSecrets)!;
    expect(() => {
      (fb as { configured: boolean }).configured = false;
    }).toThrow(TypeError);
  });

  it('shows class, scope and mapper when printed; never the key or the secret', async () => {
    const fb = (await load({ facebook, twitter: {} })).section(FacebookSecrets)!;
    expect(JSON.parse(JSON.stringify(fb))).toEqual({
      class: 'authomatic.providers.oauth2.Facebook',
      consumer_key: '[REDACTED]',
      consumer_secret: '[REDACTED]',
      scope: ['user_about_me', 'email'],
      mapper: 'websauna.system.user.social.FacebookMapper',
    });
    expect(inspect(fb)).not.toContain('secret-value');
  });
});
