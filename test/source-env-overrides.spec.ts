import { describe, expect, it } from 'vitest';
import { SecretsError } from '../lib/errors';
import { envName, matchEnvOverrides, type KnownSection } from '../lib/sources/env-overrides';
import type { SourceRead } from '../lib/sources/origin';

const PREFIX = 'SECRETS__';

function known(sections: Record<string, KnownSection>) {
  return { sections: new Map(Object.entries(sections)) };
}

/** section → key → [value, variable] */
function matched(result: SourceRead): Record<string, Record<string, [string, string]>> {
  return Object.fromEntries(
    [...result.sections].map(([section, keys]) => [
      section,
      Object.fromEntries(
        [...keys].map(([key, { value, origin }]) => [key, [value, origin.kind === 'variable' ? origin.name : '?']]),
      ),
    ]),
  );
}

function problems(run: () => unknown): SecretsError['problems'] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError);
    return (error as SecretsError).problems;
  }
  throw new Error('expected a SecretsError');
}

const facebook = known({
  facebook: { keys: ['consumer_key', 'consumer_secret'], allowUnknownKeys: false },
  'authomatic.google': { keys: ['consumer-key'], allowUnknownKeys: false },
  features: { keys: ['beta'], allowUnknownKeys: true },
});

describe('envName', () => {
  it.each([
    ['consumer_secret', 'CONSUMER_SECRET'],
    ['authomatic.facebook', 'AUTHOMATIC_FACEBOOK'],
    ['my-app', 'MY_APP'],
    ['Db2', 'DB2'],
  ])('%s → %s', (name, expected) => expect(envName(name)).toBe(expected));
});

describe('matchEnvOverrides', () => {
  it('sets a declared key, matching case-insensitively, with the variable as origin', () => {
    const result = matchEnvOverrides(
      {
        SECRETS__FACEBOOK__CONSUMER_SECRET: 'from-env',
        SECRETS__AUTHOMATIC_GOOGLE__CONSUMER_KEY: 'g',
        OTHER__FACEBOOK__CONSUMER_KEY: 'ignored',
        secrets__facebook__consumer_key: 'ignored: the prefix is case-sensitive',
      },
      PREFIX,
      facebook,
      new Map(),
    );
    expect(matched(result)).toEqual({
      'authomatic.google': { 'consumer-key': ['g', 'SECRETS__AUTHOMATIC_GOOGLE__CONSUMER_KEY'] },
      facebook: { consumer_secret: ['from-env', 'SECRETS__FACEBOOK__CONSUMER_SECRET'] },
    });
    expect(result.warnings).toEqual([]);
  });

  it('matches keys already loaded by earlier sources, also of sections no DTO declares', () => {
    const loaded = new Map([['legacy', new Map([['Api_Token', { value: 'x' }]])]]);
    const result = matchEnvOverrides({ SECRETS__LEGACY__API_TOKEN: 't' }, PREFIX, known({}), loaded);
    expect(matched(result)).toEqual({ legacy: { Api_Token: ['t', 'SECRETS__LEGACY__API_TOKEN'] } });
    // A RawSections-shaped map works as well.
    const raw = new Map([['legacy', { name: 'legacy', values: new Map([['Api_Token', { value: 'x' }]]) }]]);
    expect(matched(matchEnvOverrides({ SECRETS__LEGACY__API_TOKEN: 't' }, PREFIX, known({}), raw))).toEqual({
      legacy: { Api_Token: ['t', 'SECRETS__LEGACY__API_TOKEN'] },
    });
  });

  it('sets an empty value from an empty variable', () => {
    const result = matchEnvOverrides({ SECRETS__FACEBOOK__CONSUMER_KEY: '' }, PREFIX, facebook, new Map());
    expect(matched(result)).toEqual({ facebook: { consumer_key: ['', 'SECRETS__FACEBOOK__CONSUMER_KEY'] } });
  });

  it('refuses a variable that matches two keys, naming both', () => {
    const sections = known({ stripe: { keys: ['api_key', 'api-key'], allowUnknownKeys: false } });
    expect(problems(() => matchEnvOverrides({ SECRETS__STRIPE__API_KEY: 'x' }, PREFIX, sections, new Map()))).toEqual([
      {
        code: 'NAME_COLLISION',
        message:
          'variable SECRETS__STRIPE__API_KEY matches [stripe] api_key and [stripe] api-key: set one in a file instead, or rename a key',
      },
    ]);
  });

  it('refuses a variable that matches keys of two sections (a.b and a_b)', () => {
    const sections = known({
      'a.b': { keys: ['k'], allowUnknownKeys: false },
      a_b: { keys: ['k'], allowUnknownKeys: false },
    });
    expect(problems(() => matchEnvOverrides({ SECRETS__A_B__K: 'x' }, PREFIX, sections, new Map()))).toEqual([
      {
        code: 'NAME_COLLISION',
        message: 'variable SECRETS__A_B__K matches [a.b] k and [a_b] k: set one in a file instead, or rename a key',
      },
    ]);
  });

  it('refuses two variables setting one key', () => {
    const env = { SECRETS__FACEBOOK__CONSUMER_KEY: 'a', 'SECRETS__FACEBOOK__CONSUMER-KEY': 'b' };
    expect(problems(() => matchEnvOverrides(env, PREFIX, facebook, new Map()))).toEqual([
      {
        code: 'NAME_COLLISION',
        section: 'facebook',
        key: 'consumer_key',
        message: 'set by both variable SECRETS__FACEBOOK__CONSUMER-KEY and variable SECRETS__FACEBOOK__CONSUMER_KEY',
      },
    ]);
  });

  it('refuses an unknown key or section, unless the section allows unknown keys', () => {
    const env = {
      SECRETS__FACEBOOK__CONSUMER_SECRT: 'x',
      SECRETS__FACEBOK__CONSUMER_SECRET: 'x',
      SECRETS__FEATURES__NEW_FLAG: 'on',
      SECRETS__FEATURES__: 'x',
    };
    expect(problems(() => matchEnvOverrides(env, PREFIX, facebook, new Map()))).toEqual([
      {
        code: 'UNKNOWN_KEY',
        message:
          'variable SECRETS__FACEBOK__CONSUMER_SECRET names no known section and key (<SECTION>__<KEY> after "SECRETS__"): did you mean SECRETS__FACEBOOK__CONSUMER_SECRET?',
      },
      {
        code: 'UNKNOWN_KEY',
        section: 'facebook',
        message:
          'variable SECRETS__FACEBOOK__CONSUMER_SECRT matches no key of [facebook]: did you mean SECRETS__FACEBOOK__CONSUMER_SECRET?',
      },
      {
        code: 'UNKNOWN_KEY',
        message: 'variable SECRETS__FEATURES__ names no known section and key (<SECTION>__<KEY> after "SECRETS__")',
      },
    ]);
    const { SECRETS__FEATURES__NEW_FLAG } = env;
    expect(matched(matchEnvOverrides({ SECRETS__FEATURES__NEW_FLAG }, PREFIX, facebook, new Map()))).toEqual({
      features: { NEW_FLAG: ['on', 'SECRETS__FEATURES__NEW_FLAG'] },
    });
  });

  it('refuses a new key that could belong to two sections, or that is no key name', () => {
    const sections = known({
      a: { keys: [], allowUnknownKeys: true },
      'a.': { keys: [], allowUnknownKeys: true },
      b: { keys: [], allowUnknownKeys: true },
    });
    expect(
      problems(() =>
        matchEnvOverrides(
          { SECRETS__A___X: '1', 'SECRETS__B__x.y': '2', SECRETS__B____proto__: '3' },
          PREFIX,
          sections,
          new Map(),
        ),
      ),
    ).toEqual([
      { code: 'NAME_COLLISION', message: 'variable SECRETS__A___X could name a key of [a] or [a.]' },
      {
        code: 'RESERVED_NAME',
        section: 'b',
        key: '__proto__',
        message: 'variable SECRETS__B____proto__: "__proto__" is a reserved name',
      },
      {
        code: 'SYNTAX',
        section: 'b',
        message: 'variable SECRETS__B__x.y: a new key must be letters, digits, "_" and "-"',
      },
    ]);
  });

  it('refuses an empty prefix', () => {
    expect(problems(() => matchEnvOverrides({}, '', facebook, new Map()))).toEqual([
      { code: 'INVALID_OPTION', message: 'envOverrides: prefix must be a non-empty string' },
    ]);
  });

  it('never puts a value in a problem', () => {
    const value = 'sk_live_0123456789abcdef';
    const error = (() => {
      try {
        matchEnvOverrides({ SECRETS__NOPE__KEY: value }, PREFIX, facebook, new Map());
      } catch (e) {
        return e as SecretsError;
      }
    })();
    expect(JSON.stringify(error)).not.toContain(value);
    expect(error?.message).not.toContain(value);
  });
});
