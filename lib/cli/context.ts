import type { Writable } from 'node:stream';
import type { Environment } from '../environment-variables';

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
   * called. The process's context installs real handlers; a test's installs
   * none, so that an in-process run never touches the test runner's signals.
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
 * A failure of the command itself rather than of the secrets. Printed as
 * `nest-secrets: <message>`, exit 1 (or `exitCode`); never carries a value.
 *
 * Which error a command throws:
 * - `SecretsError` (`../errors`) for a problem in the secrets or their files — a
 *   secrets file, `.age-recipients`, an identity — that has a loader code
 *   (`FILE_EXISTS`, `SYNTAX`, `NO_RECIPIENTS`…). A command's plan collects
 *   them and reports them all at once, as the loader would (`file:line
 *   [section] key: message`), exit 1. `init`'s "already exists" is one: it
 *   names a secrets file, and every environment's is reported together.
 * - `CliError` when the command cannot go on and no loader code fits: a tool
 *   failed (the editor, git), an argument is wrong in a way commander does
 *   not check (`EXIT_USAGE`), a file of the command's own is in the way (an
 *   identity `keygen` would overwrite, a hook it did not write, a symbolic
 *   link it would replace), or the steps are out of order ("encrypt it
 *   first"). One message, the first that stops the command.
 *
 * Both are built from names, paths and line numbers only.
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
 * Ends a command with `exitCode`, printing nothing more: the command has
 * spoken for itself (a `--json` report, `exec`'s child).
 */
export class ReportedExit extends Error {
  override readonly name: string = 'ReportedExit';
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/** "1 recipient", "2 recipients". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
