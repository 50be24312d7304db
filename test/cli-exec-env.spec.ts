import { existsSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../lib/cli/main';
import { cleanEnv, runCli, tempDir, testContext, write } from './helpers/cli';
import { until } from './helpers/writer-thread';

const TEXT =
  '[database]\n' +
  'url = postgres-url-value-1\n' +
  'password = database-password-1\n' +
  '[authomatic.facebook]\n' +
  'consumer-key = facebook-key-value-1\n';

/**
 * Prints the SECRET_ variables it got (names only), then for each name given
 * whether it holds the expected value ("match"/"mismatch"/"unset"), never the value.
 */
const CHILD = `
const names = Object.keys(process.env).filter((k) => k.startsWith('SECRET_')).sort();
console.log('SECRET_*: ' + (names.join(' ') || 'none'));
for (const [name, value] of Object.entries(JSON.parse(process.argv[1]))) {
  const got = process.env[name];
  console.log(name, got === undefined ? 'unset' : got === value ? 'match' : 'mismatch');
}
`;

function setup(text = TEXT) {
  const home = tempDir('nis-exec-env-');
  const dir = path.join(home, 'project');
  const file = write(dir, 'production-secrets.ini', text, 0o600);
  return { dir, file, env: cleanEnv(home) };
}

const ALL_SECRET_NAMES =
  'SECRET_*: SECRET_AUTHOMATIC_FACEBOOK_CONSUMER_KEY SECRET_DATABASE_PASSWORD SECRET_DATABASE_URL\n';

/** `nest-secrets exec -e production <options> -- node -e CHILD <expected>` in-process. */
function execWith(
  options: string[],
  expected: Record<string, string>,
  run: { dir: string; env: Record<string, string> },
) {
  return runCli(
    ['exec', '-e', 'production', ...options, '--', process.execPath, '-e', CHILD, JSON.stringify(expected)],
    { cwd: run.dir, env: run.env },
  );
}

describe('nest-secrets exec --env NAME=section.key', () => {
  it('sets each NAME from its key, besides the SECRET_ variables; the last "." separates the key', async () => {
    const s = setup();
    const result = await execWith(
      ['--env', 'DATABASE_URL=database.url', '--env', 'FB_KEY=authomatic.facebook.consumer-key'],
      { DATABASE_URL: 'postgres-url-value-1', FB_KEY: 'facebook-key-value-1' },
      s,
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${ALL_SECRET_NAMES}DATABASE_URL match\nFB_KEY match\n`);
    expect(result.status).toBe(0);
  });

  it('--env=NAME=section.key works too, and one key may feed two names', async () => {
    const s = setup();
    const result = await execWith(
      ['--env=DATABASE_URL=database.url', '--env', 'PRISMA_URL=database.url'],
      { DATABASE_URL: 'postgres-url-value-1', PRISMA_URL: 'postgres-url-value-1' },
      s,
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${ALL_SECRET_NAMES}DATABASE_URL match\nPRISMA_URL match\n`);
    expect(result.status).toBe(0);
  });

  it('--only-mapped: the parent environment and the mapped variables only', async () => {
    const s = setup();
    const result = await execWith(
      ['--only-mapped', '--env', 'TYPEORM_PASSWORD=database.password'],
      { TYPEORM_PASSWORD: 'database-password-1', PARENT_VARIABLE: 'kept', DATABASE_URL: 'x' },
      { ...s, env: { ...s.env, PARENT_VARIABLE: 'kept' } },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('SECRET_*: none\nTYPEORM_PASSWORD match\nPARENT_VARIABLE match\nDATABASE_URL unset\n');
    expect(result.status).toBe(0);
  });

  it('a section or key the file lacks is an error with a "did you mean" (exit 1); the command does not run', async () => {
    const s = setup();
    const marker = path.join(s.dir, 'ran');
    const result = await runCli(
      [
        'exec',
        '-e',
        'production',
        '--env',
        'DATABASE_URL=databse.url',
        '--env',
        'PASSWORD=database.pasword',
        '--env',
        'OTHER=nothing.like.it',
        '--',
        process.execPath,
        '-e',
        `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
      ],
      { cwd: s.dir, env: s.env },
    );
    expect(result.stderr).toBe(
      `${s.file} [databse] url: --env DATABASE_URL: the file has no such section (did you mean [database]?)\n` +
        `${s.file} [database] pasword: --env PASSWORD: no such key (did you mean password?)\n` +
        `${s.file} [nothing.like] it: --env OTHER: the file has no such section\n`,
    );
    expect(result.stdout).toBe('');
    expect(result.status).toBe(1);
    expect(existsSync(marker)).toBe(false);
  });

  it('a mapping to something that looks like a value never shows it', async () => {
    const s = setup();
    const result = await runCli(
      ['exec', '-e', 'production', '--env', 'URL=pg://u:Hunter2Hunter2Hunter2@db.example', '--', 'true'],
      { cwd: s.dir, env: s.env },
    );
    expect(result.stderr).toBe(`${s.file}: --env URL: the file has no such section\n`);
    expect(result.status).toBe(1);
  });

  it.each<[string, string[], string]>([
    [
      'no "="',
      ['--env', 'DATABASE_URL'],
      'exec: --env must be NAME=section.key (for example DATABASE_URL=database.url)',
    ],
    [
      'not a variable name',
      ['--env', 'database-url=database.url'],
      'exec: --env: "database-url" is not a variable name (letters, digits and "_", not starting with a digit)',
    ],
    [
      'a name that looks like a value, not shown',
      ['--env', '9f86d081884c7d659a2feaa0c55ad015=database.url'],
      'exec: --env: the part before "=" is not a variable name (letters, digits and "_", not starting with a digit)',
    ],
    [
      'no key (a value, not shown)',
      ['--env', 'TOKEN=s3cr3t-token-value'],
      'exec: --env TOKEN: the part after "=" must be section.key, a key of the file (not a value)',
    ],
    [
      'an empty section',
      ['--env', 'TOKEN=.url'],
      'exec: --env TOKEN: the part after "=" must be section.key, a key of the file (not a value)',
    ],
    [
      'whitespace',
      ['--env', 'TOKEN=database.my url'],
      'exec: --env TOKEN: the part after "=" must be section.key, a key of the file (not a value)',
    ],
    ['one name twice', ['--env', 'A=database.url', '--env', 'A=database.password'], 'exec: --env A is given twice'],
    [
      "exec's own prefix",
      ['--env', 'SECRET_DATABASE_URL=database.password'],
      "exec: --env SECRET_DATABASE_URL: names starting with SECRET_ are exec's own; choose another name or pass --only-mapped",
    ],
    ['--override alone', ['--override'], 'exec: --override needs --env'],
    ['--only-mapped alone', ['--only-mapped'], 'exec: --only-mapped needs --env'],
  ])('bad usage, exit 2, before the file is read: %s', async (_, options, message) => {
    const home = tempDir('nis-exec-env-');
    // No secrets file: usage is checked first.
    const result = await runCli(['exec', '-e', 'production', ...options, '--', 'true'], {
      cwd: home,
      env: cleanEnv(home),
    });
    expect(result.stderr).toBe(`nest-secrets: ${message}\n`);
    expect(result.status).toBe(2);
  });

  it('a variable the environment already has is an error naming it; --override replaces it', async () => {
    const s = setup();
    const env = { ...s.env, DATABASE_URL: 'from-the-parent' };
    const refused = await execWith(['--env', 'DATABASE_URL=database.url'], {}, { ...s, env });
    expect(refused.stderr).toBe(
      'nest-secrets: exec: --env DATABASE_URL: the environment already has DATABASE_URL; pass --override to replace it\n',
    );
    expect(refused.stdout).toBe('');
    expect(refused.status).toBe(2);

    const empty = await execWith(
      ['--env', 'DATABASE_URL=database.url'],
      {},
      { ...s, env: { ...s.env, DATABASE_URL: '' } },
    );
    expect(empty.status).toBe(2);

    const replaced = await execWith(
      ['--env', 'DATABASE_URL=database.url', '--override'],
      { DATABASE_URL: 'postgres-url-value-1' },
      { ...s, env },
    );
    expect(replaced.stderr).toBe('');
    expect(replaced.stdout).toBe(`${ALL_SECRET_NAMES}DATABASE_URL match\n`);
    expect(replaced.status).toBe(0);
  });

  it('an empty value: a warning on stderr naming the variable and the key (no value); the command still runs', async () => {
    const s = setup('[database]\nurl =\npassword = database-password-1\n');
    const result = await execWith(
      ['--env', 'DATABASE_URL=database.url', '--env', 'DB_PASSWORD=database.password'],
      { DATABASE_URL: '', DB_PASSWORD: 'database-password-1' },
      s,
    );
    expect(result.stderr).toBe(
      'warning: exec: --env DATABASE_URL: database.url is empty; DATABASE_URL is set to the empty string\n',
    );
    expect(result.stdout).toBe(
      'SECRET_*: SECRET_DATABASE_PASSWORD SECRET_DATABASE_URL\nDATABASE_URL match\nDB_PASSWORD match\n',
    );
    expect(result.status).toBe(0);
  });

  it('--only-mapped allows a SECRET_ name', async () => {
    const s = setup();
    const result = await execWith(
      ['--only-mapped', '--env', 'SECRET_DB=database.url'],
      { SECRET_DB: 'postgres-url-value-1' },
      s,
    );
    expect(result.stdout).toBe('SECRET_*: SECRET_DB\nSECRET_DB match\n');
    expect(result.status).toBe(0);
  });

  it('--mask masks a mapped value in the output', async () => {
    const s = setup();
    const result = await runCli(
      [
        'exec',
        '-e',
        'production',
        '--mask',
        '--only-mapped',
        '--env',
        'DATABASE_URL=database.url',
        '--',
        process.execPath,
        '-e',
        "console.log('url: ' + process.env.DATABASE_URL)",
      ],
      { cwd: s.dir, env: s.env },
    );
    expect(result.stdout).toBe('url: [REDACTED]\n');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('nest-secrets exec --watch --env', () => {
  /** Replaces the file by rename, as editors and `nest-secrets edit` do. */
  function replace(file: string, text: string): void {
    writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }

  // Prints the mapped variable (test values) and exits 7 once the file `stop` appears.
  const LONG_CHILD = `
process.on('SIGTERM', () => { console.log('SIGTERM'); process.exit(0); });
console.log('run:' + process.env.DATABASE_URL);
setInterval(() => require('node:fs').existsSync('stop') && process.exit(7), 20);
`;

  it('each reload maps again; a mapped key that disappears keeps the command running', async () => {
    const s = setup('[database]\nurl = url-1\n');
    const { ctx, output } = testContext({ cwd: s.dir, env: s.env });
    const status = main(
      [
        'node',
        'nest-secrets',
        'exec',
        '-e',
        'production',
        '--watch',
        '--env',
        'DATABASE_URL=database.url',
        '--',
        process.execPath,
        '-e',
        LONG_CHILD,
      ],
      ctx,
    );
    const stdout = () => output().stdout.toString('utf8');
    const stderr = () => output().stderr.toString('utf8');
    await until(() => stdout() === 'run:url-1\n');

    replace(s.file, '[database]\nurl = url-2\n');
    await until(() => stdout().endsWith('run:url-2\n'));
    expect(stdout()).toBe('run:url-1\nSIGTERM\nrun:url-2\n');

    replace(s.file, '[database]\nuri = url-3\n');
    await until(() => stderr().split('\n').length === 3);
    expect(stderr()).toBe(
      'nest-secrets exec: secrets changed (database); restarting the command\n' +
        `nest-secrets exec: secrets not reloaded, the command keeps running: ${s.file} [database] url: --env DATABASE_URL: no such key (did you mean uri?)\n`,
    );
    writeFileSync(path.join(s.dir, 'stop'), '');
    expect(await status).toBe(7);
    expect(stdout()).toBe('run:url-1\nSIGTERM\nrun:url-2\n');
  });
});
