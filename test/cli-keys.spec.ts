import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ageEncrypt, ageKeygen, cleanEnv, run, runCli, tempDir, write } from './helpers/cli';

function setup(): { dir: string; env: Record<string, string>; home: string } {
  const home = tempDir('nis-keys-');
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
  'url = "postgres://app:${DB_PASSWORD}@db/${DB_NAME-app}"\n';

const LISTING =
  '[authentication]\n' +
  '  secret\n' +
  '[facebook]\n' +
  '  class\n' +
  '  consumer_key  (empty)\n' +
  '  consumer_secret  <- $FACEBOOK_API_KEY (not set, with a fallback)\n' +
  '[database]\n' +
  '  url  <- $DB_PASSWORD (set), $DB_NAME (set, empty, with a fallback)\n';

describe('nest-secrets keys', () => {
  it('lists sections and key names, marking variables and whether they are set, never a value', async () => {
    const { dir, env } = setup();
    const file = write(dir, 'production-secrets.ini', TEXT, 0o600);
    const result = await runCli(['keys', '-e', 'production'], {
      cwd: dir,
      env: { ...env, DB_PASSWORD: 'db-password-not-printed', DB_NAME: '' },
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${file}\n${LISTING}`);
    expect(result.stdout).not.toMatch(/must-not-be-printed|db-password|postgres/);
    expect(result.status).toBe(0);
  });

  it('an .age file is decrypted in memory', async () => {
    const { dir, env, home } = setup();
    const key = ageKeygen(home, 'key.txt');
    const file = path.join(dir, 'production-secrets.ini.age');
    writeFileSync(file, ageEncrypt([key.recipient], TEXT, true));
    const result = await runCli(['keys', '-e', 'production', '--dir', dir], {
      cwd: home,
      env: { ...env, SECRETS_AGE_KEY_FILE: key.file, DB_PASSWORD: 'x', DB_NAME: '' },
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${file} (decrypted in memory)\n${LISTING}`);
    expect(result.status).toBe(0);
    // Without a key: the core's NO_IDENTITY error, exit 1.
    const noKey = await runCli(['keys', '-e', 'production', '--dir', dir], { cwd: home, env });
    expect(noKey.stdout).toBe('');
    expect(noKey.stderr).toContain(`${file}: `);
    expect(noKey.status).toBe(1);
  });

  it('a file with a syntax error is reported in the core format (exit 1); a list of environments is bad usage (exit 2)', async () => {
    const { dir, env } = setup();
    const file = write(dir, 'production-secrets.ini', '[a]\nnot a key value line\n', 0o600);
    const broken = await runCli(['keys', '-e', 'production'], { cwd: dir, env });
    expect(broken.stderr).toBe(`${file}:2 [a]: expected "key = value"\n`);
    expect(broken.status).toBe(1);
    const list = await runCli(['keys', '-e', 'production,staging'], { cwd: dir, env });
    expect(list.status).toBe(2);
  });

  it('a key that looks like a value (a wrapped base64 line) is not shown, only its line', async () => {
    const { dir, env } = setup();
    const file = write(
      dir,
      'production-secrets.ini',
      '[tls]\n' +
        'key = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2Z0lCQURBTkJna3Foa2lHOXcwQkFRRUZBQVND"\n' +
        'Zk9vQmFyQmF6UXV4MTIzNDU2Nzg5MGNhbmFyeQ==\n' +
        'S2V5TG9va3NMaWtlVmFsdWU5OTk = ${NOT_SET_VAR}\n' +
        'ca_file = /etc/ssl/ca.pem\n',
      0o600,
    );
    const result = await runCli(['keys', '-e', 'production'], { cwd: dir, env });
    expect(result).toEqual({
      status: 0,
      signal: null,
      stdout:
        `${file}\n` +
        '[tls]\n' +
        '  key\n' +
        '  (key on line 3, not shown: it looks like a value)\n' + // its "value" is the second =
        '  (key on line 4, not shown: it looks like a value)  <- $NOT_SET_VAR (not set)\n' +
        '  ca_file\n',
      stderr: '',
    });
    expect(result.stdout).not.toMatch(/Zk9v|S2V5|LS0t|Y2FuYXJ5/);
  });

  it('--secrets-dir and --env-prefix: each key that a later source sets shows where from, never a value', async () => {
    const { dir, env } = setup();
    const file = write(dir, 'production-secrets.ini', '[db]\nuser = app\npassword = $DB_PASSWORD\n', 0o600);
    const volume = path.join(dir, 'volume');
    run('mkdir', ['-p', path.join(volume, 'db')]);
    write(volume, 'db/password', 'volume-password-not-printed\n', 0o600);
    write(volume, 'cache.url', 'redis-url-not-printed', 0o600);
    const result = await runCli(['keys', '-e', 'production', '--secrets-dir', 'volume', '--env-prefix', 'SECRETS__'], {
      cwd: dir,
      env: { ...env, SECRETS__DB__USER: 'env-user-not-printed', SECRETS__CACHE__URL: 'env-url-not-printed' },
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      `${file}\n` +
        `+ ${volume} (directory)\n` +
        '+ SECRETS__* (variables)\n' +
        '[db]\n' +
        '  user  <- variable SECRETS__DB__USER\n' +
        `  password  <- ${path.join(volume, 'db', 'password')}\n` +
        '[cache]\n' +
        '  url  <- variable SECRETS__CACHE__URL\n',
    );
    expect(result.stdout).not.toContain('not-printed');
    expect(result.status).toBe(0);
  });

  it('a $VAR read through VAR_FILE says so', async () => {
    const { dir, env } = setup();
    write(dir, 'production-secrets.ini', '[db]\npassword = $DB_PASSWORD\n', 0o600);
    const result = await runCli(['keys', '-e', 'production'], {
      cwd: dir,
      env: { ...env, DB_PASSWORD_FILE: '/run/secrets/db_password' },
    });
    expect(result.stdout.split('\n')[2]).toBe(
      '  password  <- $DB_PASSWORD (read from the file DB_PASSWORD_FILE names)',
    );
  });
});
