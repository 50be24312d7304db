/** The `sources` option: each factory, their precedence, and where every value and problem came from. */
import { IsInt, IsOptional, IsString, MinLength } from 'class-validator';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envOverrides, iniFile, loadSecrets, secretsDirectory, SecretsSection, type LoadSecretsOptions } from '../lib';
import { atomicWrite, dockerSecrets } from './helpers/atomic-writer';
import { loadFailure } from './helpers/errors';
import { tempDir, writeFile } from './helpers/tmp';

@SecretsSection('db')
class DbSecrets {
  @IsString() user!: string;
  @IsString() @MinLength(8) password!: string;
  @IsInt() port!: number;
}

@SecretsSection('api')
class ApiSecrets {
  @IsString() @MinLength(8) token!: string;
  @IsOptional() @IsString() region?: string;
}

@SecretsSection('extra', { allowUnknownKeys: true })
class ExtraSecrets {
  @IsOptional() @IsString() known?: string;
}

@SecretsSection('odd')
class OddSecrets {
  @IsString() api_key!: string;
}

const INI = '[db]\nuser = app\npassword = ini-password-1\nport = 5432\n\n[api]\ntoken = ini-api-token-1\n';

/** An INI file (production-secrets.ini), a Kubernetes-style volume and variables, all in one temp directory. */
function setup(ini = INI): { dir: string; ini: string; volume: string } {
  const dir = tempDir();
  const file = writeFile(dir, 'production-secrets.ini', ini);
  const volume = path.join(dir, 'volume');
  mkdirSync(volume, { mode: 0o700 });
  return { dir, ini: file, volume };
}

function options(dir: string, extra: Partial<LoadSecretsOptions>): LoadSecretsOptions {
  return { sections: [DbSecrets, ApiSecrets], directory: dir, environment: 'production', env: {}, ...extra };
}

describe('sources: iniFile()', () => {
  it('is the default: sources absent and [iniFile()] load the same file, with the same provenance', async () => {
    const { dir, ini } = setup();
    const absent = await loadSecrets(options(dir, {}));
    const explicit = await loadSecrets(options(dir, { sources: [iniFile()] }));
    for (const secrets of [absent, explicit]) {
      expect(secrets.file).toBe(ini);
      expect(secrets.source).toBe('derived');
      expect(secrets.sources).toEqual([{ kind: 'ini', file: ini, encrypted: false }]);
      expect(secrets.get('db.password')).toBe('ini-password-1');
      expect(secrets.origin('db.password')).toBe(`${ini}:3`);
    }
  });

  it('takes its own file-locating options, the rest from the top level', async () => {
    const { dir } = setup();
    const other = writeFile(dir, 'shared-secrets.ini', '[api]\ntoken = shared-api-token\n');
    const secrets = await loadSecrets(
      options(dir, { sources: [iniFile(), iniFile({ environment: 'shared' })], sections: [ApiSecrets] }),
    );
    expect(secrets.environment).toBe('production');
    expect(secrets.get('api.token')).toBe('shared-api-token');
    expect(secrets.origin('api.token')).toBe(`${other}:2`);
    expect(secrets.sources.map((s) => s.kind)).toEqual(['ini', 'ini']);
  });
});

describe('sources: secretsDirectory()', () => {
  it('reads a Kubernetes Secret volume written by the kubelet’s atomic writer', async () => {
    const { dir, volume } = setup();
    atomicWrite(volume, { 'db.password': 'volume-password-1\n' }, 0o600);
    const secrets = await loadSecrets(options(dir, { sources: [iniFile(), secretsDirectory(volume)] }));
    expect(secrets.section(DbSecrets)!.password).toBe('volume-password-1');
    expect(secrets.origin('db.password')).toBe(path.join(volume, 'db.password'));
    expect(secrets.sources[1]).toMatchObject({ kind: 'directory', path: volume, layout: 'kubernetes', keys: 1 });
    expect(secrets.warnings).toEqual([]);
  });

  it('reads Docker’s /run/secrets layout (flat files named section.key), warning about mode 0444 outside development', async () => {
    const dir = tempDir();
    const run = path.join(dir, 'run-secrets');
    dockerSecrets(run, {
      'db.user': 'app',
      'db.password': 'docker-password-1\n',
      'db.port': '5432',
      'api.token': 'docker-token-1',
    });
    const secrets = await loadSecrets(options(dir, { sources: [secretsDirectory(run)] }));
    expect(secrets.file).toBeNull();
    expect(secrets.source).toBe('sources');
    expect(secrets.section(DbSecrets)).toMatchObject({ user: 'app', port: 5432 });
    expect(secrets.get('db.password')).toBe('docker-password-1');
    expect(secrets.warnings.map((w) => w.code)).toEqual(['INSECURE_MODE']);
    expect(JSON.stringify(secrets.warnings)).not.toContain('docker-password-1');
  });

  it('refuses a Docker secret whose name has no dot: it names no section', async () => {
    const dir = tempDir();
    const run = path.join(dir, 'run-secrets');
    dockerSecrets(run, { db_password: 'docker-password-2' }, 0o400);
    const error = await loadFailure(options(dir, { sources: [secretsDirectory(run)], sections: [] }));
    expect(error.problems.map((p) => [p.code, p.file])).toEqual([['SYNTAX', path.join(run, 'db_password')]]);
    expect(error.message).not.toContain('docker-password-2');
  });
});

describe('sources: envOverrides()', () => {
  it('sets one key per variable, matched case-insensitively against the DTOs’ keys', async () => {
    const { dir } = setup();
    const secrets = await loadSecrets(
      options(dir, {
        sources: [iniFile(), envOverrides({ prefix: 'SECRETS__' })],
        env: { SECRETS__API__REGION: 'eu-west-1', SECRETS__DB__PASSWORD: 'env-password-1', OTHER: 'x' },
      }),
    );
    expect(secrets.section(ApiSecrets)!.region).toBe('eu-west-1');
    expect(secrets.get('db.password')).toBe('env-password-1');
    expect(secrets.origin('db.password')).toBe('variable SECRETS__DB__PASSWORD');
    expect(secrets.sources[1]).toEqual({ kind: 'env', prefix: 'SECRETS__', keys: 2 });
  });

  it('adds a key to a section that allows unknown keys', async () => {
    const secrets = await loadSecrets({
      sections: [ExtraSecrets],
      env: { APP_EXTRA__FEATURE_FLAG: 'on' },
      sources: [envOverrides({ prefix: 'APP_' })],
    });
    expect(secrets.get('extra.FEATURE_FLAG')).toBe('on');
  });

  it('refuses a variable that matches no key (UNKNOWN_KEY), naming it and a likely one', async () => {
    const { dir } = setup();
    const error = await loadFailure(
      options(dir, {
        sources: [iniFile(), envOverrides({ prefix: 'SECRETS__' })],
        env: { SECRETS__DB__PASWORD: 'env-canary-1' },
      }),
    );
    expect(error.problems).toEqual([
      {
        code: 'UNKNOWN_KEY',
        section: 'db',
        message: 'variable SECRETS__DB__PASWORD matches no key of [db]: did you mean SECRETS__DB__PASSWORD?',
      },
    ]);
    expect(error.message).not.toContain('env-canary-1');
  });

  it('refuses a variable that matches two keys, naming both', async () => {
    const dir = tempDir();
    writeFile(dir, 'production-secrets.ini', '[legacy]\napi_key = a\napi-key = b\n');
    const error = await loadFailure(
      options(dir, {
        sections: [],
        sources: [iniFile(), envOverrides({ prefix: 'S_' })],
        env: { S_LEGACY__API_KEY: 'env-canary-2' },
      }),
    );
    expect(error.problems).toEqual([
      {
        code: 'NAME_COLLISION',
        message:
          'variable S_LEGACY__API_KEY matches [legacy] api_key and [legacy] api-key: set one in a file instead, or rename a key',
      },
    ]);
  });
});

describe('sources: precedence', () => {
  it('INI < secrets directory < variables, per key; the INI file’s $VAR may read VAR_FILE', async () => {
    const { dir, ini, volume } = setup(
      '[db]\nuser = app\npassword = ini-password-1\nport = ${DB_PORT}\n\n[api]\ntoken = ini-api-token-1\nregion = eu\n',
    );
    const portFile = writeFile(dir, 'db-port', '6543\n');
    atomicWrite(volume, { 'db.password': 'volume-password-1', 'api.token': 'volume-token-1' }, 0o600);
    const secrets = await loadSecrets(
      options(dir, {
        sources: [iniFile(), secretsDirectory(volume), envOverrides({ prefix: 'SECRETS__' })],
        env: { DB_PORT_FILE: portFile, SECRETS__API__TOKEN: 'env-token-12' },
      }),
    );
    expect(secrets.section(DbSecrets)).toMatchObject({ user: 'app', port: 6543 });
    expect(secrets.get('db.password')).toBe('volume-password-1');
    expect(secrets.get('api.token')).toBe('env-token-12');
    expect(secrets.get('api.region')).toBe('eu');
    expect(
      ['db.user', 'db.password', 'db.port', 'api.token', 'api.region'].map((key) => [key, secrets.origin(key)]),
    ).toEqual([
      ['db.user', `${ini}:2`],
      ['db.password', path.join(volume, 'db.password')],
      ['db.port', `${ini}:4`],
      ['api.token', 'variable SECRETS__API__TOKEN'],
      ['api.region', `${ini}:8`],
    ]);
    expect(secrets.sectionNames).toEqual(['db', 'api']);
  });

  it('a later source wins whatever the order given: variables before the INI file lose to it', async () => {
    const { dir } = setup();
    const secrets = await loadSecrets(
      options(dir, {
        sources: [envOverrides({ prefix: 'SECRETS__' }), iniFile()],
        env: { SECRETS__DB__PASSWORD: 'env-password-1' },
      }),
    );
    expect(secrets.get('db.password')).toBe('ini-password-1');
  });

  it('a key a later source sets is not interpolated in the INI file: its unset $VAR is no error', async () => {
    const { dir, volume } = setup(
      '[db]\nuser = app\npassword = ${DB_PASSWORD}\nport = 5432\n\n[api]\ntoken = $API_TOKEN\n',
    );
    writeFile(volume, 'db.password', 'volume-password-1');
    const secrets = await loadSecrets(
      options(dir, {
        sources: [iniFile(), secretsDirectory(volume), envOverrides({ prefix: 'SECRETS__' })],
        env: { SECRETS__API__TOKEN: 'env-token-12' },
      }),
    );
    expect(secrets.get('db.password')).toBe('volume-password-1');
    expect(secrets.get('api.token')).toBe('env-token-12');
    const unset = await loadFailure(options(dir, { sources: [iniFile(), secretsDirectory(volume)] }));
    expect(unset.problems.map((p) => [p.code, p.section, p.key, p.message])).toEqual([
      ['UNSET_VARIABLE', 'api', 'token', 'variable API_TOKEN is not set (use ${API_TOKEN:-default} for a fallback)'],
    ]);
  });

  it('a section or key spelled in another case by a later source is a duplicate, not silently dropped', async () => {
    const { dir, ini, volume } = setup();
    writeFile(volume, 'DB.password', 'volume-password-1');
    const section = await loadFailure(options(dir, { sources: [iniFile(), secretsDirectory(volume)] }));
    expect(section.problems).toEqual([
      {
        code: 'DUPLICATE_SECTION',
        file: path.join(volume, 'DB.password'),
        section: 'DB',
        message: `section name differs only by case from [db] of ${ini}:2`,
      },
    ]);
    const keys = setup();
    writeFile(keys.volume, 'extra.Known', 'volume-value-1');
    const key = await loadFailure({
      ...options(keys.dir, { sources: [iniFile(), secretsDirectory(keys.volume)] }),
      sections: [DbSecrets, ApiSecrets, ExtraSecrets],
      file: writeFile(keys.dir, 'extra.ini', '[extra]\nknown = ini-value-1\n'),
    });
    expect(key.problems).toEqual([
      {
        code: 'DUPLICATE_KEY',
        file: path.join(keys.volume, 'extra.Known'),
        section: 'extra',
        key: 'Known',
        message: `key differs only by case from "known" of ${path.join(keys.dir, 'extra.ini')}:2`,
      },
    ]);
  });

  it('`overrides` apply after every source; `values` replaces every source', async () => {
    const { dir, volume } = setup();
    atomicWrite(volume, { 'db.password': 'volume-password-1' }, 0o600);
    const sources = [iniFile(), secretsDirectory(volume)];
    const overridden = await loadSecrets(options(dir, { sources, overrides: { db: { password: 'override-pw-1' } } }));
    expect(overridden.get('db.password')).toBe('override-pw-1');
    expect(overridden.origin('db.password')).toBe('option');
    const values = await loadSecrets(
      options(dir, {
        sources,
        values: { db: { user: 'u', password: 'values-pw-1', port: '1' }, api: { token: 'values-token' } },
      }),
    );
    expect(values.get('db.password')).toBe('values-pw-1');
    expect(values.file).toBeNull();
    expect(values.sources).toEqual([{ kind: 'values' }]);
  });
});

describe('sources: every problem names where the value came from, never the value', () => {
  it('a secrets directory’s file: its path', async () => {
    const { dir, volume } = setup();
    atomicWrite(volume, { 'db.port': 'not-a-port-canary', 'db.password': 'short' }, 0o600);
    const error = await loadFailure(options(dir, { sources: [iniFile(), secretsDirectory(volume)] }));
    expect(error.problems).toEqual([
      {
        code: 'CONVERSION',
        file: path.join(volume, 'db.port'),
        section: 'db',
        key: 'port',
        message:
          "not a number: DbSecrets.port expects digits with an optional leading '-' and decimal part, e.g. 8080, -3 or 0.25",
      },
      {
        code: 'VALIDATION',
        file: path.join(volume, 'db.password'),
        section: 'db',
        key: 'password',
        message: 'password must be longer than or equal to 8 characters',
      },
    ]);
    expect(error.message).not.toContain('not-a-port-canary');
  });

  it('a variable: its name in the message', async () => {
    const { dir } = setup();
    const error = await loadFailure(
      options(dir, {
        sources: [iniFile(), envOverrides({ prefix: 'SECRETS__' })],
        env: { SECRETS__DB__PORT: 'port-canary-value', SECRETS__API__TOKEN: '' },
      }),
    );
    expect(error.problems).toEqual([
      {
        code: 'CONVERSION',
        section: 'db',
        key: 'port',
        message:
          "not a number: DbSecrets.port expects digits with an optional leading '-' and decimal part, e.g. 8080, -3 or 0.25 (from variable SECRETS__DB__PORT)",
      },
      {
        code: 'EMPTY_VALUE',
        section: 'api',
        key: 'token',
        message:
          'empty value: ApiSecrets.token is required (mark it @IsOptional() to allow an empty value) (from variable SECRETS__API__TOKEN)',
      },
    ]);
    expect(error.problems.map((p) => p.file)).toEqual([undefined, undefined]);
    expect(error.message).not.toContain('port-canary-value');
  });

  it('an unknown key from a secrets directory: its path', async () => {
    const { dir, volume } = setup();
    atomicWrite(volume, { 'db.pasword': 'unknown-canary-1' }, 0o600);
    const error = await loadFailure(options(dir, { sources: [iniFile(), secretsDirectory(volume)] }));
    expect(error.problems).toEqual([
      {
        code: 'UNKNOWN_KEY',
        file: path.join(volume, 'db.pasword'),
        section: 'db',
        key: 'pasword',
        message: "unknown key (did you mean 'password'?)",
      },
    ]);
  });
});

describe('Secrets.origin', () => {
  it('is undefined for a key that is not loaded or a path that is not <section>.<key>', async () => {
    const { dir } = setup();
    const secrets = await loadSecrets(options(dir, {}));
    expect([
      secrets.origin('db.nope'),
      secrets.origin('nope.user'),
      secrets.origin('db'),
      secrets.origin('db.'),
    ]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('names a variable only when its name looks like one', async () => {
    const secrets = await loadSecrets({
      sections: [OddSecrets],
      env: { 'APP_ODD__API KEY': 'env-value-with-odd-name' },
      sources: [envOverrides({ prefix: 'APP_' })],
    });
    expect(secrets.get('odd.api_key')).toBe('env-value-with-odd-name');
    expect(secrets.origin('odd.api_key')).toBe('a variable');
  });
});

describe('sources: option checks', () => {
  it.each([
    ['not an array', 'x', 'sources must be an array of iniFile(), secretsDirectory() and envOverrides()'],
    ['empty', [], 'sources must not be empty'],
    [
      'a foreign object',
      [iniFile(), { kind: 'vault' }],
      'sources[1] must be what iniFile(), secretsDirectory() or envOverrides() returns',
    ],
    [
      'an empty prefix',
      [envOverrides({ prefix: '' })],
      "sources[0]: envOverrides needs a non-empty prefix, e.g. envOverrides({ prefix: 'SECRETS__' })",
    ],
    ['an empty directory', [secretsDirectory('')], 'sources[0]: the directory must be a non-empty path'],
    [
      'a bad limit',
      [secretsDirectory('/x', { maxEntries: -1 })],
      'sources[0]: maxEntries must be a positive whole number',
    ],
    [
      'a bad iniFile option',
      [iniFile({ maxFileSize: 0 })],
      'sources[0]: maxFileSize must be a positive whole number of bytes',
    ],
  ])('refuses %s (INVALID_OPTION)', async (_, sources, message) => {
    const error = await loadFailure({ env: {}, sources: sources as never });
    expect(error.problems).toEqual([{ code: 'INVALID_OPTION', message }]);
  });
});
