import * as path from 'node:path';
import type { Writable } from 'node:stream';
import { InvalidArgumentError, type Command } from 'commander';
import { SecretsError } from '../errors';
import { chooseEnvironment, type Environment } from '../locate';

/** What a command may touch of the outside world; `main` passes the process's. */
export interface CliContext {
  /** Variables for identities, editors and git; never written to. */
  readonly env: Environment;
  readonly cwd: string;
  /** Whether stdin and stderr are a terminal (edit offers to re-open the editor). */
  readonly interactive: boolean;
  stdout(text: string | Uint8Array): void;
  stderr(text: string): void;
  /**
   * The same two outputs as streams, for a command that pipes bytes into them
   * with back-pressure (`exec --mask`); never ended by a command.
   */
  readonly streams: { readonly stdout: Writable; readonly stderr: Writable };
  /** Asks a question on the terminal; only called when `interactive`. */
  ask(question: string): Promise<string>;
  /**
   * How children (the editor, `exec`'s command) get stdin, stdout and stderr:
   * this process's own (`inherit`), or no stdin and pipes copied into
   * `streams` (`pipe`: a test capturing the output).
   */
  readonly children: 'inherit' | 'pipe';
  /** The script that runs `nest-secrets` (`…/dist/cli/main.js`), written into git hooks and the diff driver. */
  readonly bin: string;
  /** The system's temp directory (edit prefers memory-backed `/dev/shm` to it). */
  readonly tmpdir: string;
  /**
   * Calls `handler` on each of `signals` until the returned function is
   * called. The process's context installs real handlers; a test's records
   * them, so that an in-process run never touches the test runner's signals.
   */
  onSignals(signals: readonly NodeJS.Signals[], handler: (signal: NodeJS.Signals) => void): () => void;
  /** Ends the process now (edit, after wiping its temp files on SIGTERM). */
  exit(code: number): never;
  /**
   * Test-only fault injection, given to every atomic write: called after the
   * temp file is synced, before the rename. The process's context kills
   * itself there when `NEST_SECRETS_TEST_CRASH_BEFORE_RENAME=1`.
   */
  readonly beforeRename?: () => void;
}

/** Exit codes of `nest-secrets`. */
export const EXIT_OK = 0;
/** A secrets problem (bad file, no key, refused operation…). */
export const EXIT_PROBLEM = 1;
/** Bad usage: unknown command or option, missing or malformed argument. */
export const EXIT_USAGE = 2;

/**
 * A failure of the command itself rather than of the secrets (an editor that
 * failed, a file that would be overwritten). Printed as
 * `nest-secrets <command>: <message>`; never carries a value.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT_PROBLEM,
  ) {
    super(message);
  }
}

/**
 * Adds `-e, --environment`. With `multiple`, a comma list (`production,staging`)
 * is accepted; names are validated as the loader does.
 */
export function environmentOption(command: Command, multiple: boolean): Command {
  return multiple
    ? command.requiredOption(
        '-e, --environment <names>',
        'environment name, or several separated by commas',
        parseEnvironmentList,
      )
    : command.requiredOption('-e, --environment <name>', 'environment name', parseEnvironment);
}

/** Adds `--dir <dir>` (default: the current directory). */
export function dirOption(command: Command): Command {
  return command.option('--dir <dir>', 'directory holding the secrets files (default: current directory)');
}

/** The `--dir` option resolved against the working directory. */
export function resolveDir(ctx: CliContext, dir: string | undefined): string {
  return path.resolve(ctx.cwd, dir ?? '.');
}

function parseEnvironment(value: string): string {
  if (value.includes(',')) throw new InvalidArgumentError('this command takes one environment, not a list.');
  return validEnvironment(value.trim());
}

/** A comma list of environment names, deduplicated, each checked as the loader does. */
export function parseEnvironmentList(value: string): string[] {
  const names = [
    ...new Set(
      value
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== ''),
    ),
  ];
  if (names.length === 0) throw new InvalidArgumentError('give at least one environment name.');
  return names.map(validEnvironment);
}

function validEnvironment(name: string): string {
  try {
    return chooseEnvironment({ environment: name, env: {} }).environment;
  } catch (error) {
    if (error instanceof SecretsError) throw new InvalidArgumentError(error.problems[0]!.message);
    throw error;
  }
}

/** `<dir>/<environment>-secrets.ini` */
export function plaintextPath(dir: string, environment: string): string {
  return path.join(dir, `${environment}-secrets.ini`);
}

/** `<dir>/<environment>-secrets.ini.age` */
export function encryptedPath(dir: string, environment: string): string {
  return path.join(dir, `${environment}-secrets.ini.age`);
}

/** Names of encrypted secrets files (`<environment>-secrets.ini.age`). */
export const ENCRYPTED_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*-secrets\.ini\.age$/;

/** "1 recipient", "2 recipients". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
