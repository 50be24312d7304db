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

describe('callback_url', () => {
  it.each(['http://localhost:3000/auth/facebook/callback', 'https://example.com/auth/facebook/callback'])(
    'is an absolute URL, localhost accepted: %s',
    async (url) => {
      const fb = (await load({ facebook: { ...facebook, callback_url: url }, twitter: {} })).section(FacebookSecrets)!;
      expect(fb.callback_url).toBe(url);
    },
  );

  it.each(['not a url', '/auth/facebook/callback', 'ftp://example.com/callback'])(
    'anything else is a VALIDATION problem: %s',
    async (url) => {
      const error = await load({ facebook, twitter: { callback_url: url } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SecretsError);
      expect((error as SecretsError).problems).toMatchObject([
        { code: 'VALIDATION', section: 'twitter', key: 'callback_url' },
      ]);
    },
  );

  it('is optional and not secret: printed as is', async () => {
    const secrets = await load({
      facebook: { ...facebook, callback_url: 'http://localhost:3000/cb' },
      twitter: {},
    });
    expect(secrets.section(TwitterSecrets)?.callback_url).toBeUndefined();
    expect(JSON.parse(JSON.stringify(secrets.section(FacebookSecrets)))).toMatchObject({
      callback_url: 'http://localhost:3000/cb',
    });
  });
});

describe('passportOptions()', () => {
  const callback_url = 'http://localhost:3000/auth/callback';

  it('OAuth 2: clientID, clientSecret, callbackURL and scope (a copy)', async () => {
    const fb = (await load({ facebook: { ...facebook, callback_url }, twitter: {} })).section(FacebookSecrets)!;
    const options = fb.passportOptions();
    expect(options).toEqual({
      clientID: 'key-value',
      clientSecret: 'secret-value',
      callbackURL: callback_url,
      scope: ['user_about_me', 'email'],
    });
    options.scope!.push('more');
    expect(fb.scope).toEqual(['user_about_me', 'email']);
  });

  it('OAuth 2 without scope: no scope key', async () => {
    const { scope: _scope, ...noScope } = facebook;
    const fb = (await load({ facebook: { ...noScope, callback_url }, twitter: {} })).section(FacebookSecrets)!;
    expect(fb.passportOptions()).toEqual({
      clientID: 'key-value',
      clientSecret: 'secret-value',
      callbackURL: callback_url,
    });
  });

  it('OAuth 1: consumerKey, consumerSecret, callbackURL', async () => {
    const twitter = { consumer_key: 'tk', consumer_secret: 'ts', callback_url };
    const tw = (await load({ facebook, twitter })).section(TwitterSecrets)!;
    expect(tw.passportOptions()).toEqual({ consumerKey: 'tk', consumerSecret: 'ts', callbackURL: callback_url });
  });

  it('not configured: a MISSING_KEY SecretsError naming the section, no value', async () => {
    const tw = (await load({ facebook, twitter: { consumer_key: '', consumer_secret: '', callback_url } })).section(
      TwitterSecrets,
    )!;
    const error = (() => {
      try {
        tw.passportOptions();
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SecretsError);
    expect((error as SecretsError).message).toBe(
      '[twitter] consumer_key: the provider is not configured (consumer_key and consumer_secret are empty): check `configured` before building a Passport strategy',
    );
  });

  it('configured without callback_url: a MISSING_KEY SecretsError naming callback_url, no value', async () => {
    const fb = (await load({ facebook, twitter: {} })).section(FacebookSecrets)!;
    expect(() => fb.passportOptions()).toThrow(
      new SecretsError([
        {
          code: 'MISSING_KEY',
          section: 'facebook',
          key: 'callback_url',
          message: 'callback_url is not set: a Passport strategy needs the URL the provider sends the user back to',
        },
      ]),
    );
    try {
      fb.passportOptions();
    } catch (e) {
      expect((e as SecretsError).codes).toEqual(['MISSING_KEY']);
      expect((e as SecretsError).message).not.toContain('key-value');
    }
  });
});
