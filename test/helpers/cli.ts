/**
 * Helpers for the age and CLI tests: temp homes, the real `age` /
 * `age-keygen` / `git` tools, and the CLI run in-process through `main(argv, ctx)`
 * ({@link runCli}) or, for what only a process shows, as the built child
 * process users run ({@link runCliProcess}), always with a clean environment.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { onTestFinished } from 'vitest';
import type { CliContext } from '../../lib/cli/context';
import { main } from '../../lib/cli/main';

/** The built CLI; `test/global-setup.ts` builds it (`tsc -p tsconfig.build.json`). */
export const CLI = path.resolve('dist/cli/main.js');

/** A fresh directory (symlinks resolved), removed when the current test ends. */
export function tempDir(prefix = 'nis-age-'): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A clean environment for children: PATH and an isolated HOME /
 * XDG_CONFIG_HOME (so no real key or git config is ever used), plus `extra`.
 */
export function cleanEnv(home: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    LANG: 'C.UTF-8',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface BytesResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
}

function result(r: SpawnSyncReturns<string>): RunResult {
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs `nest-secrets …args` in-process (`main` from lib/, or from dist/ when
 * `installed`, through a test context): `cwd` and exactly `env`, output
 * captured, not interactive unless `answers` are given (one per question asked). No signal handler is
 * installed; the process is never exited.
 */
export async function runCli(
  args: readonly string[],
  options: { cwd: string; env: Record<string, string>; answers?: readonly string[]; installed?: boolean },
): Promise<RunResult> {
  const r = await runCliBytes(args, options);
  return { ...r, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** {@link runCli} with the output as bytes. */
export async function runCliBytes(
  args: readonly string[],
  options: { cwd: string; env: Record<string, string>; answers?: readonly string[]; installed?: boolean },
): Promise<BytesResult> {
  const { ctx, output } = testContext(options);
  const status = await (options.installed ? installedMain() : main)(['node', 'nest-secrets', ...args], ctx);
  return { status, signal: null, ...output() };
}

/**
 * `main` of the built CLI, still run in-process: for `check --sections`, whose
 * fixture modules decorate their DTOs with the built package (dist/), and the
 * command must use the same installation as the module.
 */
function installedMain(): typeof main {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(CLI) as { main: typeof main }).main;
}

/** A context for an in-process run, and what it captured so far. */
export function testContext(options: { cwd: string; env: Record<string, string>; answers?: readonly string[] }): {
  ctx: CliContext;
  output: () => { stdout: Buffer; stderr: Buffer };
} {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const sink = (chunks: Buffer[]) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        chunks.push(Buffer.from(chunk));
        callback();
      },
    });
  const answers = [...(options.answers ?? [])];
  const ctx: CliContext = {
    env: { ...options.env },
    cwd: options.cwd,
    interactive: options.answers !== undefined,
    stdout: (text) => void stdout.push(Buffer.from(text)),
    stderr: (text) => void stderr.push(Buffer.from(text)),
    streams: { stdout: sink(stdout), stderr: sink(stderr) },
    ask: async (question) => {
      stderr.push(Buffer.from(question));
      const answer = answers.shift();
      if (answer === undefined) throw Object.assign(new Error('input closed'), { name: 'AbortError' });
      return answer;
    },
    children: 'pipe',
    bin: CLI,
    tmpdir: tmpdir(),
    onSignals: () => () => undefined,
    exit: (code) => {
      throw new Error(`process.exit(${code}) called in-process`);
    },
  };
  return { ctx, output: () => ({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) }) };
}

/** Runs `node dist/cli/main.js …args` as a child process in `cwd` with exactly `env`. */
export function runCliProcess(
  args: readonly string[],
  options: { cwd: string; env: Record<string, string>; input?: string },
): RunResult {
  return result(
    spawnSync(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: options.env,
      input: options.input ?? '',
      encoding: 'utf8',
    }),
  );
}

/** Runs a tool; throws with its stderr unless it exits 0. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string | Uint8Array } = {},
): Buffer {
  const r = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(tmpdir()),
    input: options.input,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return r.stdout;
}

export interface KeyPair {
  /** Identity file as age-keygen writes it. */
  file: string;
  /** The `AGE-SECRET-KEY-1…` line. */
  identity: string;
  /** The `age1…` public key. */
  recipient: string;
}

/** A new identity made by the real `age-keygen`, saved as `<dir>/<name>`. */
export function ageKeygen(dir: string, name: string): KeyPair {
  const file = path.join(dir, name);
  run('age-keygen', ['-o', file]);
  const identity = run('grep', ['^AGE-SECRET-KEY-1', file]).toString().trim();
  const recipient = run('age-keygen', ['-y', file]).toString().trim();
  return { file, identity, recipient };
}

/** Encrypts with the real `age` tool (`-a` when armored). */
export function ageEncrypt(recipients: readonly string[], plaintext: string, armored: boolean): Buffer {
  return run('age', [...(armored ? ['-a'] : []), ...recipients.flatMap((r) => ['-r', r])], { input: plaintext });
}

/** Decrypts with the real `age` tool. */
export function ageDecrypt(identityFile: string, file: string): string {
  return run('age', ['-d', '-i', identityFile, file]).toString('utf8');
}

/** `git init` in `dir` with an isolated config. */
export function gitInit(dir: string, env: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  run('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
}

/** Names in `dir` that start with the temp-file prefix. */
export function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('.nest-secrets-tmp-'));
}

/** Writes a file and returns its path. */
export function write(dir: string, name: string, content: string | Uint8Array, mode = 0o644): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content, { mode });
  return file;
}

export interface Project {
  /** Isolated HOME (also holding XDG_CONFIG_HOME). */
  home: string;
  /** Directory of the secrets files (a git work tree when `git` was asked for). */
  dir: string;
  /** Clean environment without any identity. */
  env: Record<string, string>;
  alice: KeyPair;
  bob: KeyPair;
}

/**
 * A temp home and project directory, with two identities made by age-keygen
 * (kept outside the project). The two identities are made once per test
 * worker and copied into each project: a test may not rely on their being
 * unique to it.
 */
export function project(options: { git?: boolean } = {}): Project {
  const home = tempDir('nis-home-');
  const dir = path.join(home, 'project');
  mkdirSync(dir);
  const keys = path.join(home, 'keys');
  mkdirSync(keys);
  const env = cleanEnv(home);
  if (options.git) gitInit(dir, env);
  return { home, dir, env, alice: sharedKey(keys, 'alice.txt'), bob: sharedKey(keys, 'bob.txt') };
}

const sharedKeys = new Map<string, KeyPair & { text: Buffer }>();

/** The worker's identity `name` (made by age-keygen on first use), saved as `<dir>/<name>`. */
function sharedKey(dir: string, name: string): KeyPair {
  let key = sharedKeys.get(name);
  if (!key) {
    const made = ageKeygen(mkdtempSync(path.join(tmpdir(), 'nis-keys-')), name);
    key = { ...made, text: readFileSync(made.file) };
    rmSync(path.dirname(made.file), { recursive: true, force: true });
    sharedKeys.set(name, key);
  }
  const file = path.join(dir, name);
  writeFileSync(file, key.text, { mode: 0o600 });
  return { file, identity: key.identity, recipient: key.recipient };
}

/** The environment with one identity file selected by SECRETS_AGE_KEY_FILE. */
export function withKey(env: Record<string, string>, key: KeyPair): Record<string, string> {
  return { ...env, SECRETS_AGE_KEY_FILE: key.file };
}
