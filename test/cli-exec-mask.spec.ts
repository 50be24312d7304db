import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CLI, cleanEnv, runCli, runCliBytes, tempDir, write, type BytesResult, type RunResult } from './helpers/cli';

// Letters only: the arbitrary bytes of the binary test cannot hold them (it checks).
const FIRST = 'CanaryFirstSecretValue';
const SECOND = 'CanarySecondSecretValue';
const SECRETS = `[app]\ntoken = ${FIRST}\n[db]\npassword = \${DB_PASSWORD:-${SECOND}}\n`;

/**
 * The interface stub of lib/mask/masker.ts decodes everything as UTF-8 at the end,
 * so it cannot pass arbitrary bytes through; the streaming implementation
 * must. Only the byte-for-byte test depends on this.
 */
const STUB_MASKER = readFileSync(path.resolve('lib/mask/masker.ts'), 'utf8').includes('INTERFACE STUB');

function setup(): { dir: string; env: Record<string, string> } {
  const home = tempDir('nis-exec-mask-');
  const dir = path.join(home, 'project');
  write(dir, 'production-secrets.ini', SECRETS, 0o600);
  return { dir, env: cleanEnv(home) };
}

/** `nest-secrets exec -e production [--mask] -- node -e <script> [args…]` in-process, output as bytes. */
function execNode(
  dir: string,
  env: Record<string, string>,
  script: string,
  options: { mask?: boolean; args?: string[] } = {},
): Promise<BytesResult> {
  return runCliBytes(
    [
      'exec',
      '-e',
      'production',
      ...(options.mask === false ? [] : ['--mask']),
      '--',
      process.execPath,
      '-e',
      script,
      ...(options.args ?? []),
    ],
    { cwd: dir, env },
  );
}

function text(r: BytesResult): RunResult {
  return { status: r.status, signal: r.signal, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** `n` bytes of a SHA-256 counter stream: arbitrary bytes, the same on every run. */
function deterministicBytes(n: number): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; i * 32 < n; i++) blocks.push(createHash('sha256').update(`block ${i}`).digest());
  return Buffer.concat(blocks).subarray(0, n);
}

describe('nest-secrets exec --mask', () => {
  it("replaces each value in the command's stdout and stderr with [REDACTED], exactly where it was", async () => {
    const { dir, env } = setup();
    const result = await execNode(
      dir,
      env,
      `process.stdout.write('token=' + process.env.SECRET_APP_TOKEN + ';\\n');
       process.stderr.write('password: ' + process.env.SECRET_DB_PASSWORD + '!\\n');`,
    );
    expect(text(result)).toEqual({
      status: 0,
      signal: null,
      stdout: 'token=[REDACTED];\n',
      stderr: 'password: [REDACTED]!\n',
    });
  });

  it('masks the interpolated value, not the text of the file', async () => {
    const { dir, env } = setup();
    const result = await execNode(
      dir,
      { ...env, DB_PASSWORD: 'CanaryFromTheVariable' },
      `console.log('[' + process.env.SECRET_DB_PASSWORD + ']');`,
    );
    expect(text(result)).toEqual({ status: 0, signal: null, stdout: '[[REDACTED]]\n', stderr: '' });
  });

  it('masks a value split across two writes with a pause between them', async () => {
    const { dir, env } = setup();
    const result = await execNode(
      dir,
      env,
      `const v = process.env.SECRET_APP_TOKEN;
       process.stdout.write('a ' + v.slice(0, 9));
       process.stderr.write('b ' + v.slice(0, 5));
       setTimeout(() => {
         process.stdout.write(v.slice(9) + ' z\\n');
         process.stderr.write(v.slice(5) + ' y\\n');
       }, 100);`,
    );
    expect(text(result)).toEqual({ status: 0, signal: null, stdout: 'a [REDACTED] z\n', stderr: 'b [REDACTED] y\n' });
  });

  it('masks the base64 and hex forms of a value', async () => {
    const { dir, env } = setup();
    const result = await execNode(
      dir,
      env,
      `const b = Buffer.from(process.env.SECRET_APP_TOKEN);
       console.log(b.toString('base64'));
       console.log(b.toString('hex'));
       console.error('Basic ' + Buffer.from(process.env.SECRET_DB_PASSWORD).toString('base64'));`,
    );
    expect(text(result)).toEqual({
      status: 0,
      signal: null,
      stdout: '[REDACTED]\n[REDACTED]\n',
      stderr: 'Basic [REDACTED]\n',
    });
  });

  it.skipIf(STUB_MASKER)(
    'passes output without values through byte for byte (1 MiB of binary, odd chunks)',
    async () => {
      const { dir, env } = setup();
      const bytes = deterministicBytes(1024 * 1024);
      expect([FIRST, SECOND].filter((value) => bytes.includes(value))).toEqual([]);
      const file = write(dir, 'binary.bin', bytes);
      const result = await execNode(
        dir,
        env,
        `const data = require('fs').readFileSync(process.argv[1]);
       for (let at = 0, size = 1; at < data.length; at += size, size = (size * 7 + 13) % 70000)
         process.stdout.write(data.subarray(at, at + size));`,
        { args: [file] },
      );
      expect(result.status).toBe(0);
      expect(result.stderr.toString('utf8')).toBe('');
      expect(result.stdout.length).toBe(bytes.length);
      expect(result.stdout.equals(bytes)).toBe(true);
    },
  );

  it('passes on 10 MB of output complete, masked wherever a value falls', async () => {
    const { dir, env } = setup();
    // 270,000 lines of 39 bytes, written in 64 KiB pieces, so that values fall across chunk boundaries.
    const lines = 270_000;
    const result = await execNode(
      dir,
      env,
      `const v = process.env.SECRET_APP_TOKEN;
       const parts = [];
       for (let i = 0; i < ${lines}; i++) parts.push(String(i).padStart(7, '0') + ' user=' + v + ' ok\\n');
       const data = Buffer.from(parts.join(''));
       for (let at = 0; at < data.length; at += 65536) process.stdout.write(data.subarray(at, at + 65536));`,
    );
    const expected: string[] = [];
    for (let i = 0; i < lines; i++) expected.push(`${String(i).padStart(7, '0')} user=[REDACTED] ok\n`);
    const stdout = result.stdout.toString('utf8');
    expect(result.status).toBe(0);
    expect(result.stderr.toString('utf8')).toBe('');
    expect(result.stdout.length).toBe(lines * 39 - lines * (FIRST.length - '[REDACTED]'.length));
    // Compared as a whole, without printing 7 MB on failure.
    expect(stdout === expected.join('')).toBe(true);
  });

  it("exits with the child's code, and 128+n after printing when signal n ends it", async () => {
    const { dir, env } = setup();
    expect(text(await execNode(dir, env, `console.log(process.env.SECRET_APP_TOKEN); process.exit(3);`))).toEqual({
      status: 3,
      signal: null,
      stdout: '[REDACTED]\n',
      stderr: '',
    });
    expect(
      text(
        await execNode(
          dir,
          env,
          `process.stdout.write(process.env.SECRET_APP_TOKEN + '\\n', () => process.kill(process.pid, 'SIGTERM'));`,
        ),
      ),
    ).toEqual({ status: 128 + 15, signal: null, stdout: '[REDACTED]\n', stderr: '' });
  });

  // Subprocess: real signals sent to nest-secrets.
  it('ignores SIGINT while the command runs, forwards SIGTERM to it, and still writes its masked output', async () => {
    const { dir, env } = setup();
    const ready = path.join(dir, 'ready');
    const cli = spawn(
      process.execPath,
      [
        CLI,
        'exec',
        '-e',
        'production',
        '--mask',
        '--',
        process.execPath,
        '-e',
        `process.stdout.write(process.env.SECRET_APP_TOKEN + '\\n', () => require('fs').writeFileSync(process.argv[1], ''));
         setInterval(() => undefined, 1000);`,
        ready,
      ],
      { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    onTestFinished(() => void cli.kill('SIGKILL'));
    const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    cli.stdout.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
    cli.stderr.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
    const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      cli.on('close', (code, signal) => resolve([code, signal])),
    );
    while (!existsSync(ready)) await new Promise((resolve) => setTimeout(resolve, 20));
    cli.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    cli.kill('SIGTERM');
    expect(await closed).toEqual([128 + 15, null]);
    expect(Buffer.concat(chunks.stdout).toString('utf8')).toBe('[REDACTED]\n');
    expect(Buffer.concat(chunks.stderr).toString('utf8')).toBe('');
  });

  it('a command that does not exist exits 127, one that cannot be run 126, with the same messages as without --mask', async () => {
    const { dir, env } = setup();
    const cli = (args: string[]) => runCli(['exec', '-e', 'production', ...args], { cwd: dir, env });
    const notFound = {
      status: 127,
      stdout: '',
      stderr: 'nest-secrets exec: cannot run no-such-command-nis: command not found\n',
    };
    const notExecutable = { status: 126, stdout: '', stderr: 'nest-secrets exec: cannot run ./plain.txt: EACCES\n' };
    write(dir, 'plain.txt', 'not a program\n', 0o644);
    for (const mask of [['--mask'], []]) {
      const missing = await cli([...mask, '--', 'no-such-command-nis']);
      expect({ status: missing.status, stdout: missing.stdout, stderr: missing.stderr }).toEqual(notFound);
      const plain = await cli([...mask, '--', './plain.txt']);
      expect({ status: plain.status, stdout: plain.stdout, stderr: plain.stderr }).toEqual(notExecutable);
    }
  });

  it('does not wait for the end of a pipe that a background process of the command keeps open', async () => {
    const { dir, env } = setup();
    const pidFile = path.join(dir, 'background.pid');
    const r = await runCli(
      [
        'exec',
        '-e',
        'production',
        '--mask',
        '--',
        'sh',
        '-c',
        'sleep 60 & echo $! > background.pid; echo "$SECRET_APP_TOKEN"',
      ],
      { cwd: dir, env },
    );
    onTestFinished(() => {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
      } catch {
        // Already gone.
      }
    });
    expect({ status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }).toEqual({
      status: 0,
      signal: null,
      stdout: '[REDACTED]\n',
      stderr: '',
    });
  });

  it('without --mask, the output is passed as today: unmasked', async () => {
    const { dir, env } = setup();
    const result = await execNode(
      dir,
      env,
      `console.log(process.env.SECRET_APP_TOKEN); console.error(process.env.SECRET_DB_PASSWORD);`,
      {
        mask: false,
      },
    );
    expect(text(result)).toEqual({ status: 0, signal: null, stdout: `${FIRST}\n`, stderr: `${SECOND}\n` });
  });
});
