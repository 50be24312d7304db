import { spawn } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../lib/cli/main';
import { CLI, cleanEnv, tempDir, testContext, write } from './helpers/cli';
import { until } from './helpers/writer-thread';

/** Replaces the file by rename, as editors and `nest-secrets edit` do. */
function replace(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/**
 * A long-running command: prints which token it got (`token-<n>`, a test
 * value), says so on SIGTERM and exits 0 (or ignores it when asked), and
 * exits 7 by itself once the file `stop` appears.
 */
// The handler is installed before the first line: the test signals as soon as it sees that line.
const CHILD = `
const fs = require('node:fs');
process.on('SIGTERM', () => {
  console.log(process.argv[1] === 'stubborn' ? 'ignoring SIGTERM' : 'SIGTERM');
  if (process.argv[1] !== 'stubborn') process.exit(0);
});
console.log('run:' + process.env.SECRET_APP_TOKEN);
setInterval(() => fs.existsSync('stop') && process.exit(7), 20);
`;

/** Starts `nest-secrets …args` in-process; its live output, and its exit code when it ends. */
function start(args: readonly string[], options: { cwd: string; env: Record<string, string> }) {
  const { ctx, output } = testContext(options);
  const status = main(['node', 'nest-secrets', ...args], ctx);
  return {
    status,
    stdout: () => output().stdout.toString('utf8'),
    stderr: () => output().stderr.toString('utf8'),
  };
}

function setup(token: string) {
  const home = tempDir('nis-exec-watch-');
  const dir = path.join(home, 'project');
  const file = write(dir, 'production-secrets.ini', `[app]\ntoken = ${token}\n`, 0o600);
  return { dir, file, env: cleanEnv(home) };
}

describe('nest-secrets exec --watch', () => {
  it('restarts the command with the new secrets, never with secrets that fail to load, and ends with its exit code', async () => {
    const { dir, file, env } = setup('token-1');
    const run = start(['exec', '-e', 'production', '--watch', '--', process.execPath, '-e', CHILD, 'polite'], {
      cwd: dir,
      env,
    });
    await until(() => run.stdout() === 'run:token-1\n');

    replace(file, '[app]\ntoken = token-2\n');
    await until(() => run.stdout().endsWith('run:token-2\n'));
    expect(run.stdout()).toBe('run:token-1\nSIGTERM\nrun:token-2\n');
    expect(run.stderr()).toBe('nest-secrets exec: secrets changed (app); restarting the command\n');

    // Two keys that make one variable: the command is not restarted.
    replace(file, '[app]\ntoken = token-3-canary\n[app.x]\ny = a\n[app_x]\ny = b\n');
    await until(() => run.stderr().split('\n').length === 3);
    expect(run.stderr().split('\n')[1]).toBe(
      `nest-secrets exec: secrets not reloaded, the command keeps running: ${file}:6 [app_x] y: becomes SECRET_APP_X_Y, as [app.x] y (line 4) does; rename one of them`,
    );
    // The same content as the running command's: nothing to restart.
    replace(file, '[app]\ntoken = token-2\n');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(run.stdout()).toBe('run:token-1\nSIGTERM\nrun:token-2\n');

    writeFileSync(path.join(dir, 'stop'), '');
    expect(await run.status).toBe(7);
    expect(run.stdout() + run.stderr()).not.toContain('canary');
    expect(run.stderr().split('\n')).toHaveLength(3);
  });

  it('a command that ignores SIGTERM is killed after the grace period, then started again', async () => {
    const { dir, file, env } = setup('token-1');
    const run = start(
      ['exec', '-e', 'production', '--watch', '--grace', '0.3', '--', process.execPath, '-e', CHILD, 'stubborn'],
      { cwd: dir, env },
    );
    await until(() => run.stdout() === 'run:token-1\n');
    const changed = Date.now();
    replace(file, '[app]\ntoken = token-2\n');
    await until(() => run.stdout().endsWith('run:token-2\n'));
    expect(Date.now() - changed).toBeGreaterThanOrEqual(300);
    expect(run.stdout()).toBe('run:token-1\nignoring SIGTERM\nrun:token-2\n');
    writeFileSync(path.join(dir, 'stop'), '');
    expect(await run.status).toBe(7);
  });

  it('with --mask, each run masks its own secrets', async () => {
    const { dir, file, env } = setup('first-long-token-1');
    const child = `${CHILD.replace("console.log('run:' + process.env.SECRET_APP_TOKEN);", '')} console.log(process.env.SECRET_APP_TOKEN + ' v' + process.env.SECRET_APP_TOKEN.slice(-1));`;
    const run = start(['exec', '-e', 'production', '--watch', '--mask', '--', process.execPath, '-e', child], {
      cwd: dir,
      env,
    });
    await until(() => run.stdout() === '[REDACTED] v1\n');
    replace(file, '[app]\ntoken = second-long-token-2\n');
    await until(() => run.stdout().endsWith('v2\n'));
    expect(run.stdout()).toBe('[REDACTED] v1\nSIGTERM\n[REDACTED] v2\n');
    writeFileSync(path.join(dir, 'stop'), '');
    expect(await run.status).toBe(7);
  });

  it('a SIGTERM to nest-secrets is forwarded; the command exits and watching stops', async () => {
    const { dir, file, env } = setup('token-1');
    const { ctx, output } = testContext({ cwd: dir, env });
    const handlers: Array<{ signals: readonly NodeJS.Signals[]; handler: (signal: NodeJS.Signals) => void }> = [];
    const signal = (name: NodeJS.Signals) =>
      handlers.filter((h) => h.signals.includes(name)).forEach((h) => h.handler(name));
    const status = main(
      ['node', 'nest-secrets', 'exec', '-e', 'production', '--watch', '--', process.execPath, '-e', CHILD],
      {
        ...ctx,
        onSignals: (signals, handler) => {
          const entry = { signals, handler };
          handlers.push(entry);
          return () => void handlers.splice(handlers.indexOf(entry), 1);
        },
      },
    );
    const stdout = () => output().stdout.toString('utf8');
    await until(() => stdout() === 'run:token-1\n');
    signal('SIGTERM');
    expect(await status).toBe(0);
    expect(handlers).toEqual([]);
    replace(file, '[app]\ntoken = token-2\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stdout()).toBe('run:token-1\nSIGTERM\n');
    expect(output().stderr.toString('utf8')).toBe('');
  });

  it('--grace is checked: a number of seconds, and only with --watch (exit 2)', async () => {
    const { dir, env } = setup('token-1');
    const bad = start(['exec', '-e', 'production', '--watch', '--grace', 'soon', '--', 'true'], { cwd: dir, env });
    expect(await bad.status).toBe(2);
    expect(bad.stderr()).toBe('nest-secrets: exec: --grace must be a number of seconds, 0 or more\n');
    const alone = start(['exec', '-e', 'production', '--grace', '1', '--', 'true'], { cwd: dir, env });
    expect(await alone.status).toBe(2);
    expect(alone.stderr()).toBe('nest-secrets: exec: --grace needs --watch\n');
  });

  // Only a process shows it: real signal handlers, the command sharing our stdout.
  it('as a process: restarts the command, and a SIGTERM to nest-secrets ends the command and nest-secrets with its code', async () => {
    const { dir, file, env } = setup('token-1');
    const child = spawn(
      process.execPath,
      [CLI, 'exec', '-e', 'production', '--watch', '--', process.execPath, '-e', CHILD, 'polite'],
      { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await until(() => stdout === 'run:token-1\n', 10_000);
    replace(file, '[app]\ntoken = token-2\n');
    await until(() => stdout.endsWith('run:token-2\n'), 10_000);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toBe('run:token-1\nSIGTERM\nrun:token-2\nSIGTERM\n');
    expect(stderr).toBe('nest-secrets exec: secrets changed (app); restarting the command\n');
  });
});
