/**
 * One run of `exec`'s command: spawned with the secrets in its environment,
 * its output relayed (masked with `--mask`), its exit code as the shell
 * reports it. `exec` runs one; `exec --watch` one after another.
 */
import { constants } from 'node:os';
import type { Masker } from '../mask/masker';
import { childStdio, copyChildOutput, spawnCommand } from './children';
import type { CliContext } from './context';
import { withVariables } from './env-mappings';
import { maskOutput } from './masked-output';

/** Exit codes of the shell when the command cannot be run. */
const EXIT_NOT_EXECUTABLE = 126;
const EXIT_NOT_FOUND = 127;

/** Signals passed on to the child while it runs. */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP'];

/** A started command. */
export interface ChildRun {
  /** Sends `signal` to the command (nothing once it has exited). */
  kill(signal: NodeJS.Signals): void;
  /** The exit code (128+n for signal n; 127 not found, 126 not executable), as soon as the command has exited. */
  readonly exited: Promise<number>;
  /** The same code, once the last byte of its output has been written out too. */
  readonly finished: Promise<number>;
}

/** Starts `command` with `variables` added to the context's environment. */
export function runChild(
  ctx: CliContext,
  command: string,
  args: readonly string[],
  variables: Record<string, string>,
  masker: Masker | undefined,
): ChildRun {
  const child = spawnCommand(command, args, {
    stdio: childStdio(ctx, masker !== undefined),
    cwd: ctx.cwd,
    env: withVariables(ctx.env, variables),
  });
  const output =
    masker && child.stdout && child.stderr
      ? maskOutput({ stdout: child.stdout, stderr: child.stderr }, masker, ctx.streams)
      : ctx.children === 'pipe'
        ? copyChildOutput(child, ctx)
        : undefined;
  let exitedWith = -1;
  const exited = new Promise<number>((resolve) => {
    const done = (code: number) => {
      if (exitedWith !== -1) return;
      exitedWith = code;
      resolve(code);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      const notFound = error.code === 'ENOENT';
      ctx.stderr(`nest-secrets exec: cannot run ${command}: ${notFound ? 'command not found' : error.code}\n`);
      done(notFound ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE);
    });
    child.on('exit', (status, signal) => {
      done(signal ? 128 + (constants.signals[signal] ?? 0) : (status ?? 0));
    });
  });
  // The exit code waits for the last masked byte: exiting earlier would cut the output.
  const finished = exited.then(async (code) => {
    await output?.finish();
    return code;
  });
  return {
    kill: (signal) => {
      if (exitedWith === -1) child.kill(signal);
    },
    exited,
    finished,
  };
}
