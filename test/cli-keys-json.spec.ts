import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KeysReport, ListedKey } from '../lib/core';
import { ageEncrypt, ageKeygen, cleanEnv, run, runCli, tempDir, write } from './helpers/cli';

function setup(): { dir: string; env: Record<string, string>; home: string } {
  const home = tempDir('nis-keys-json-');
  const dir = path.join(home, 'project');
  run('mkdir', ['-p', dir]);
  return { dir, env: cleanEnv(home), home };
}

const TEXT =
  '[authentication]\n' +
  'secret = value-that-must-not-be-printed-1\n' +
  '[facebook]\n' +
  'class = authomatic.providers.oauth2.Facebook\n' +
  'consumer_key =\n' +
  'consumer_secret = ${FACEBOOK_API_KEY:-fallback-that-must-not-be-printed}\n' +
  '[database]\n' +
  'url = "postgres://app:${DB_PASSWORD}@db/${DB_NAME-app}"\n' +
  'password = $DB_PASS_FROM_FILE\n';

/** The sections of {@link TEXT} in `file`, with DB_PASSWORD set, DB_NAME empty, DB_PASS_FROM_FILE_FILE set. */
function textSections(file: string): KeysReport['sections'] {
  const at = (line: number): ListedKey['origin'] => ({ kind: 'ini', file, line });
  return [
    { name: 'authentication', keys: [{ key: 'secret', origin: at(2), value: 'set', variables: [] }] },
    {
      name: 'facebook',
      keys: [
        { key: 'class', origin: at(4), value: 'set', variables: [] },
        { key: 'consumer_key', origin: at(5), value: 'empty', variables: [] },
        {
          key: 'consumer_secret',
          origin: at(6),
          value: 'reference',
          variables: [{ name: 'FACEBOOK_API_KEY', state: 'unset', fallback: true }],
        },
      ],
    },
    {
      name: 'database',
      keys: [
        {
          key: 'url',
          origin: at(8),
          value: 'reference',
          variables: [
            { name: 'DB_PASSWORD', state: 'set', fallback: false },
            { name: 'DB_NAME', state: 'empty', fallback: true },
          ],
        },
        {
          key: 'password',
          origin: at(9),
          value: 'reference',
          variables: [{ name: 'DB_PASS_FROM_FILE', state: 'file', fallback: false }],
        },
      ],
    },
  ];
}

const VARIABLES = { DB_PASSWORD: 'db-password-not-printed', DB_NAME: '', DB_PASS_FROM_FILE_FILE: '/run/secrets/x' };

/** The one document on stdout: exactly one line, newline-terminated. */
function parse(stdout: string): KeysReport {
  expect(stdout.endsWith('\n')).toBe(true);
  expect(stdout.slice(0, -1)).not.toContain('\n');
  return JSON.parse(stdout) as KeysReport;
}

describe('nest-secrets keys --json', () => {
  it('a plaintext file: sections, keys with their line, whether set, empty or reading variables and their state', async () => {
    const { dir, env } = setup();
    const file = write(dir, 'production-secrets.ini', TEXT, 0o600);
    const result = await runCli(['keys', '-e', 'production', '--json'], { cwd: dir, env: { ...env, ...VARIABLES } });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(parse(result.stdout)).toEqual({
      schema: 'nest-secrets/keys@1',
      ok: true,
      environment: 'production',
      file,
      encrypted: false,
      sources: [],
      sections: textSections(file),
      problems: [],
    });
  });

  it('an .age file is decrypted in memory; without a key the document reports the error (exit 1)', async () => {
    const { dir, env, home } = setup();
    const key = ageKeygen(home, 'key.txt');
    const file = path.join(dir, 'production-secrets.ini.age');
    writeFileSync(file, ageEncrypt([key.recipient], TEXT, true));
    const result = await runCli(['keys', '-e', 'production', '--dir', dir, '--json'], {
      cwd: home,
      env: { ...env, ...VARIABLES, SECRETS_AGE_KEY_FILE: key.file },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(parse(result.stdout)).toEqual({
      schema: 'nest-secrets/keys@1',
      ok: true,
      environment: 'production',
      file,
      encrypted: true,
      sources: [],
      sections: textSections(file),
      problems: [],
    });

    const noKey = await runCli(['keys', '-e', 'production', '--dir', dir, '--json'], { cwd: home, env });
    expect(noKey.stderr).toBe('');
    expect(noKey.status).toBe(1);
    expect(parse(noKey.stdout)).toEqual({
      schema: 'nest-secrets/keys@1',
      ok: false,
      environment: 'production',
      file,
      encrypted: true,
      sources: [],
      sections: [],
      problems: [
        {
          severity: 'error',
          code: 'NO_IDENTITY',
          file,
          line: null,
          column: null,
          section: null,
          key: null,
          message:
            'no age identity to decrypt with: set SECRETS_AGE_KEY (AGE-SECRET-KEY-1… lines) or SECRETS_AGE_KEY_FILE ' +
            '(path of an identity file), or create the default identity file ' +
            `${path.join(home, '.config/nest-secrets/age-keys.txt')} with \`nest-secrets keygen\``,
        },
      ],
    });
  });

  it('--secrets-dir and --env-prefix: the sources in order, and each key a later source sets with its origin', async () => {
    const { dir, env } = setup();
    const file = write(dir, 'production-secrets.ini', '[db]\nuser = app\npassword = $DB_PASSWORD\n', 0o600);
    const volume = path.join(dir, 'volume');
    run('mkdir', ['-p', path.join(volume, 'db')]);
    write(volume, 'db/password', 'volume-password-not-printed\n', 0o600);
    write(volume, 'cache.url', 'volume-url-not-printed', 0o600);
    write(volume, 'cache.ttl', '', 0o644);
    const result = await runCli(
      ['keys', '-e', 'production', '--secrets-dir', 'volume', '--env-prefix', 'SECRETS__', '--json'],
      {
        cwd: dir,
        env: { ...env, SECRETS__DB__USER: 'env-user-not-printed', SECRETS__CACHE__URL: 'env-url-not-printed' },
      },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const variable = (name: string): ListedKey['origin'] => ({ kind: 'variable', name });
    expect(parse(result.stdout)).toEqual({
      schema: 'nest-secrets/keys@1',
      ok: true,
      environment: 'production',
      file,
      encrypted: false,
      sources: [
        { kind: 'directory', path: volume },
        { kind: 'variables', prefix: 'SECRETS__' },
      ],
      sections: [
        {
          name: 'db',
          keys: [
            { key: 'user', origin: variable('SECRETS__DB__USER'), value: 'set', variables: [] },
            {
              key: 'password',
              origin: { kind: 'directory-file', path: path.join(volume, 'db', 'password') },
              value: 'set',
              variables: [],
            },
          ],
        },
        {
          name: 'cache',
          keys: [
            {
              key: 'ttl',
              origin: { kind: 'directory-file', path: path.join(volume, 'cache.ttl') },
              value: 'empty',
              variables: [],
            },
            { key: 'url', origin: variable('SECRETS__CACHE__URL'), value: 'set', variables: [] },
          ],
        },
      ],
      problems: [
        {
          severity: 'warning',
          code: 'INSECURE_MODE',
          file: volume,
          line: null,
          column: null,
          section: null,
          key: null,
          message: `1 secret file is accessible by group or others (cache.ttl mode 0644): run chmod 600 on the files (or chmod 700 ${volume})`,
        },
      ],
    });
  });

  it('a key or a variable name that may be part of a value is null; a variable set twice (VAR and VAR_FILE) is a conflict', async () => {
    const { dir, env } = setup();
    const file = write(
      dir,
      'production-secrets.ini',
      '[tls]\n' +
        'key = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2Z0lCQURBTkJna3Foa2lHOXcwQkFRRUZBQVND"\n' +
        'Zk9vQmFyQmF6UXV4MTIzNDU2Nzg5MGNhbmFyeQ==\n' +
        'password = Pa55$wordXYZsecret\n' +
        'token = ${API_TOKEN}\n',
      0o600,
    );
    const result = await runCli(['keys', '-e', 'production', '--json'], {
      cwd: dir,
      env: { ...env, API_TOKEN: 'token-not-printed', API_TOKEN_FILE: '/run/secrets/token' },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const at = (line: number): ListedKey['origin'] => ({ kind: 'ini', file, line });
    expect(parse(result.stdout).sections).toEqual([
      {
        name: 'tls',
        keys: [
          { key: 'key', origin: at(2), value: 'set', variables: [] },
          { key: null, origin: at(3), value: 'set', variables: [] },
          {
            key: 'password',
            origin: at(4),
            value: 'reference',
            variables: [{ name: null, state: 'unset', fallback: false }],
          },
          {
            key: 'token',
            origin: at(5),
            value: 'reference',
            variables: [{ name: 'API_TOKEN', state: 'conflict', fallback: false }],
          },
        ],
      },
    ]);
    expect(result.stdout).not.toMatch(/Zk9v|LS0t|wordXYZ|token-not-printed/);
  });

  it('a file with a syntax error: the document reports it (exit 1); a list of environments is bad usage (exit 2, no document)', async () => {
    const { dir, env } = setup();
    const file = write(dir, 'production-secrets.ini', '[a]\nnot a key value line\n', 0o600);
    const broken = await runCli(['keys', '-e', 'production', '--json'], { cwd: dir, env });
    expect(broken.stderr).toBe('');
    expect(broken.status).toBe(1);
    expect(parse(broken.stdout)).toEqual({
      schema: 'nest-secrets/keys@1',
      ok: false,
      environment: 'production',
      file,
      encrypted: false,
      sources: [],
      sections: [],
      problems: [
        {
          severity: 'error',
          code: 'SYNTAX',
          file,
          line: 2,
          column: null,
          section: 'a',
          key: null,
          message: 'expected "key = value"',
        },
      ],
    });
    const list = await runCli(['keys', '-e', 'production,staging', '--json'], { cwd: dir, env });
    expect(list).toEqual({
      status: 2,
      signal: null,
      stdout: '',
      stderr:
        "error: option '-e, --environment <name>' argument 'production,staging' is invalid. this command takes one environment, not a list.\n",
    });
  });

  it('a source that fails after one that warned: the warning, then the error (exit 1)', async () => {
    const { dir, env } = setup();
    write(dir, 'production-secrets.ini', '[db]\nuser = app\n', 0o600);
    const first = path.join(dir, 'first');
    const second = path.join(dir, 'second');
    write(first, 'db.password', 'not-printed-1', 0o644);
    write(second, 'nodot', 'not-printed-2', 0o600);
    const result = await runCli(
      ['keys', '-e', 'production', '--secrets-dir', 'first', '--secrets-dir', 'second', '--json'],
      {
        cwd: dir,
        env,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    const warning = `1 secret file is accessible by group or others (db.password mode 0644): run chmod 600 on the files (or chmod 700 ${first})`;
    const error = 'file name has no ".": name it <section>.<key> or move it into a <section>/ directory';
    const at = { line: null, column: null, section: null, key: null };
    expect(parse(result.stdout)).toEqual({
      schema: 'nest-secrets/keys@1',
      ok: false,
      environment: 'production',
      file: path.join(dir, 'production-secrets.ini'),
      encrypted: false,
      // The sources given, also the one that failed.
      sources: [
        { kind: 'directory', path: first },
        { kind: 'directory', path: second },
      ],
      sections: [],
      problems: [
        { severity: 'warning', code: 'INSECURE_MODE', file: first, ...at, message: warning },
        { severity: 'error', code: 'SYNTAX', file: path.join(second, 'nodot'), ...at, message: error },
      ],
    });
    // As text: the warning is printed before the error, as the sources were read.
    const text = await runCli(['keys', '-e', 'production', '--secrets-dir', 'first', '--secrets-dir', 'second'], {
      cwd: dir,
      env,
    });
    expect(text).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr: `warning: ${first}: ${warning}\n${path.join(second, 'nodot')}: ${error}\n`,
    });
  });
});
