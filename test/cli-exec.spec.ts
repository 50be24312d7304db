import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ageEncrypt, ageKeygen, cleanEnv, run, runCli, tempDir, write } from './helpers/cli';

function setup(): { dir: string; env: Record<string, string>; home: string } {
  const home = tempDir('nis-exec-');
  const dir = path.join(home, 'project');
  run('mkdir', ['-p', dir]);
  return { dir, env: cleanEnv(home), home };
}

const TEXT =
  '[authentication]\n' +
  'secret = first-secret-value\n' +
  '[authomatic.facebook]\n' +
  'consumer-key = second-secret-value\n' +
  'empty =\n' +
  '[session]\n' +
  'secret = ${SESSION_SECRET:-third-secret-value}\n';

/**
 * A child that prints how many SECRET_ variables it got, whether each
 * expected one holds the expected value ("match"/"mismatch", never the
 * value), and whether PARENT_VARIABLE came through.
 */
const CHILD = `
const names = Object.keys(process.env).filter((k) => k.startsWith('SECRET_')).sort();
const expected = JSON.parse(process.argv[1]);
console.log(names.length);
for (const [name, value] of Object.entries(expected)) console.log(name, process.env[name] === value ? 'match' : 'mismatch');
console.log('PARENT_VARIABLE', process.env.PARENT_VARIABLE === 'kept' ? 'kept' : 'lost');
`;

const EXPECTED = {
  SECRET_AUTHENTICATION_SECRET: 'first-secret-value',
  SECRET_AUTHOMATIC_FACEBOOK_CONSUMER_KEY: 'second-secret-value',
  SECRET_AUTHOMATIC_FACEBOOK_EMPTY: '',
  SECRET_SESSION_SECRET: 'third-secret-value',
};

const OUTPUT =
  '4\n' +
  'SECRET_AUTHENTICATION_SECRET match\n' +
  'SECRET_AUTHOMATIC_FACEBOOK_CONSUMER_KEY match\n' +
  'SECRET_AUTHOMATIC_FACEBOOK_EMPTY match\n' +
  'SECRET_SESSION_SECRET match\n' +
  'PARENT_VARIABLE kept\n';

describe('nest-secrets exec', () => {
  it('runs the command with every secret as SECRET_<SECTION>_<KEY>, keeping the parent environment', async () => {
    const { dir, env } = setup();
    write(dir, 'production-secrets.ini', TEXT, 0o600);
    const before = readdirSync(dir);
    const result = await runCli(
      ['exec', '-e', 'production', '--', process.execPath, '-e', CHILD, JSON.stringify(EXPECTED)],
      {
        cwd: dir,
        env: { ...env, PARENT_VARIABLE: 'kept' },
      },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(OUTPUT);
    expect(result.status).toBe(0);
    // Nothing was written next to the secrets.
    expect(readdirSync(dir)).toEqual(before);
  });

  it('interpolates as the app does, and reads .age files in memory', async () => {
    const { dir, env, home } = setup();
    const key = ageKeygen(home, 'key.txt');
    writeFileSync(path.join(dir, 'production-secrets.ini.age'), ageEncrypt([key.recipient], TEXT, true));
    const result = await runCli(
      [
        'exec',
        '-e',
        'production',
        '--dir',
        dir,
        '--',
        process.execPath,
        '-e',
        CHILD,
        JSON.stringify({ ...EXPECTED, SECRET_SESSION_SECRET: 'from-the-variable' }),
      ],
      {
        cwd: home,
        env: { ...env, PARENT_VARIABLE: 'kept', SECRETS_AGE_KEY_FILE: key.file, SESSION_SECRET: 'from-the-variable' },
      },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(OUTPUT);
    expect(result.status).toBe(0);
  });

  it("exits with the child's code, and 128+n when signal n ends it", async () => {
    const { dir, env } = setup();
    write(dir, 'production-secrets.ini', TEXT, 0o600);
    const exit = async (code: string) =>
      runCli(['exec', '-e', 'production', '--', process.execPath, '-e', code], { cwd: dir, env });
    expect((await exit('process.exit(7)')).status).toBe(7);
    expect((await exit('process.exit(0)')).status).toBe(0);
    const killed = await exit("process.kill(process.pid, 'SIGTERM')");
    expect(killed.status).toBe(128 + 15);
    expect(killed.stderr).toBe('');
  });

  it('a command that does not exist exits 127', async () => {
    const { dir, env } = setup();
    write(dir, 'production-secrets.ini', TEXT, 0o600);
    const result = await runCli(['exec', '-e', 'production', '--', 'no-such-command-nis'], { cwd: dir, env });
    expect(result.stderr).toBe('nest-secrets exec: cannot run no-such-command-nis: command not found\n');
    expect(result.status).toBe(127);
  });

  it('two keys that map to one variable name are an error naming both; the command does not run', async () => {
    const { dir, env } = setup();
    const file = write(
      dir,
      'production-secrets.ini',
      '[a.b]\nc = one-secret\n[a_b]\nc = another-secret\n[a]\nb-c = third-secret\n',
      0o600,
    );
    const marker = path.join(dir, 'ran');
    const result = await runCli(
      [
        'exec',
        '-e',
        'production',
        '--',
        process.execPath,
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
      ],
      { cwd: dir, env },
    );
    expect(result.stderr).toBe(
      `${file}:4 [a_b] c: becomes SECRET_A_B_C, as [a.b] c (line 2) does; rename one of them\n` +
        `${file}:6 [a] b-c: becomes SECRET_A_B_C, as [a.b] c (line 2) does; rename one of them\n`,
    );
    expect(result.stderr).not.toMatch(/one-secret|another-secret|third-secret/);
    expect(result.status).toBe(1);
    expect(readdirSync(dir)).not.toContain('ran');
  });

  it('a missing file is the core error (exit 1); no command is bad usage (exit 2)', async () => {
    const { dir, env } = setup();
    const missing = await runCli(['exec', '-e', 'production', '--', 'true'], { cwd: dir, env });
    expect(missing.stderr).toMatch(/production-secrets\.ini: secrets file not found/);
    expect(missing.status).toBe(1);
    expect((await runCli(['exec', '-e', 'production'], { cwd: dir, env })).status).toBe(2);
  });

  it("without --, the child's options are its own: `exec -e staging ./tool migrate -e production` uses staging", async () => {
    const { dir, env } = setup();
    write(dir, 'staging-secrets.ini', '[app]\nmarker = staging-canary-marker\n', 0o600);
    write(dir, 'production-secrets.ini', '[app]\nmarker = production-canary-marker\nother = x\n', 0o600);
    const tool = write(
      dir,
      'tool',
      '#!/bin/sh\n' +
        'printf \'args:%s\\n\' "$*"\n' +
        "printf 'count:%s\\n' \"$(env | grep -c '^SECRET_')\"\n" +
        'case "$SECRET_APP_MARKER" in staging-canary-marker) echo env:staging ;; production-canary-marker) echo env:production ;; *) echo env:none ;; esac\n',
    );
    chmodSync(tool, 0o755);
    const result = await runCli(
      ['exec', '-e', 'staging', './tool', 'migrate', '-e', 'production', '--dir', '/nowhere', '-h'],
      {
        cwd: dir,
        env,
      },
    );
    expect(result).toEqual({
      status: 0,
      signal: null,
      stdout: 'args:migrate -e production --dir /nowhere -h\ncount:1\nenv:staging\n',
      stderr: '',
    });
    expect(result.stdout + result.stderr).not.toContain('canary');
  });

  it('a key that looks like a value is never shown in a name collision, nor the variable built from it', async () => {
    const { dir, env } = setup();
    const looksLikeValue = 'Zk9vQmFyQmF6UXV4MTIzNDU2Nzg5MA';
    const file = write(
      dir,
      'production-secrets.ini',
      `[a.b]\n${looksLikeValue} = one-secret-canary\n[a_b]\n${looksLikeValue}= two-secret-canary\n`,
      0o600,
    );
    const marker = path.join(dir, 'ran');
    const result = await runCli(
      [
        'exec',
        '-e',
        'production',
        '--',
        process.execPath,
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
      ],
      { cwd: dir, env },
    );
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr: `${file}:4: the keys on lines 2 and 4 become one variable name; rename one of them\n`,
    });
    expect(result.stderr).not.toMatch(new RegExp(`${looksLikeValue}|${looksLikeValue.toUpperCase()}|canary`));
    expect(readdirSync(dir)).not.toContain('ran');
  });

  it('a value with a NUL character is an ENCODING problem (exit 1), not a crash; the command does not run', async () => {
    const { dir, env } = setup();
    const looksLikeValue = 'Zk9vQmFyQmF6UXV4MTIzNDU2Nzg5MA';
    const file = write(
      dir,
      'production-secrets.ini',
      `[app]\ntoken = "nul-canary\\u0000-secret"\n${looksLikeValue} = "x\\u0000y-canary"\n`,
      0o600,
    );
    const marker = path.join(dir, 'ran');
    const result = await runCli(
      [
        'exec',
        '-e',
        'production',
        '--',
        process.execPath,
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
      ],
      { cwd: dir, env },
    );
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr:
        `${file}:2 [app] token: the value contains a NUL character, which no environment variable can hold\n` +
        `${file}:3 [app]: this key's value (the key is not shown: it looks like a value) contains a NUL character, which no environment variable can hold\n`,
    });
    expect(result.stderr).not.toMatch(new RegExp(`${looksLikeValue}|canary|unexpected`));
    expect(readdirSync(dir)).not.toContain('ran');
  });
});
