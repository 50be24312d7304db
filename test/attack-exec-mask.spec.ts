/**
 * Attack regressions for `exec --mask`: forms of a value the command may
 * print that the masker did not look for.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { CLI, cleanEnv, tempDir, write } from './helpers/cli';

it('masks a value as a Node command prints it inside an object (util.inspect escapes)', () => {
  const home = tempDir('nis-attack-exec-');
  const dir = path.join(home, 'project');
  // A canary with a single quote and an escape character: util.inspect prints neither as JSON does.
  write(dir, 'production-secrets.ini', '[app]\ntoken = "it\'s-\\u001b-canary-4e1f"\n', 0o600);
  const script = [
    'const v = process.env.SECRET_APP_TOKEN;',
    'console.log({ v });',
    "console.log(new Map([['k', '\"`' + v]]));",
  ].join('\n');
  const r = spawnSync(
    process.execPath,
    [CLI, 'exec', '-e', 'production', '--mask', '--', process.execPath, '-e', script],
    {
      cwd: dir,
      env: cleanEnv(home),
      input: '',
      timeout: 25_000,
    },
  );
  expect([r.status, r.stdout.toString(), r.stderr.toString()]).toEqual([
    0,
    '{ v: "[REDACTED]" }\n' + "Map(1) { 'k' => '\"`[REDACTED]' }\n",
    '',
  ]);
});

it('masks a value inside a longer base64 text the command prints (a Basic header of user:password)', () => {
  const home = tempDir('nis-attack-exec-');
  const dir = path.join(home, 'project');
  write(dir, 'production-secrets.ini', '[app]\npassword = plain-canary-77aa\n', 0o600);
  const script = "console.log(Buffer.from('user:' + process.env.SECRET_APP_PASSWORD).toString('base64'))";
  const r = spawnSync(
    process.execPath,
    [CLI, 'exec', '-e', 'production', '--mask', '--', process.execPath, '-e', script],
    {
      cwd: dir,
      env: cleanEnv(home),
      input: '',
      timeout: 25_000,
    },
  );
  expect([r.status, r.stdout.toString(), r.stderr.toString()]).toEqual([0, 'dXNlcjp[REDACTED]Q==\n', '']);
});
