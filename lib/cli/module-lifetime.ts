/**
 * A `--sections` module is the app's code, run inside a command: it may keep
 * the process running when the command is done (a timer, a connection opened
 * on import), or never let the command finish (a top-level `await` or an
 * async rule that never settles), which would end the process with exit 0
 * and nothing checked. These two guards bound both.
 */
import { CliError, EXIT_PROBLEM, type CliContext } from './context';

/** How long a command that imported a `--sections` module waits, once done, for the module's timers and sockets. */
export const MODULE_EXIT_GRACE_MS = 1000;

/**
 * `work`, or a `CliError` (exit 1) with `message` when the event loop
 * empties while it is still pending: an ES module whose top-level `await`
 * never settles, or an async validator whose promise never does, would
 * otherwise end the process with exit 0, nothing checked. A rejection `work`
 * itself reaches in that last turn (an inner guard's) wins.
 */
export async function settledBeforeExit<T>(work: Promise<T>, message: string): Promise<T> {
  let onBeforeExit = (): void => undefined;
  const stalled = new Promise<never>((_, reject) => {
    onBeforeExit = () => void setImmediate(() => reject(new CliError(message, EXIT_PROBLEM)));
  });
  // First: a guard set up inside another's work (the import inside `check`'s) rejects first, with its own message.
  process.prependOnceListener('beforeExit', onBeforeExit);
  try {
    return await Promise.race([work, stalled]);
  } finally {
    process.off('beforeExit', onBeforeExit);
  }
}

/**
 * Call when a command that imported (or tried to import) a `--sections`
 * module is done. A module that starts a timer or opens a connection when
 * imported (an app module that connects on load) would keep the process
 * running for ever: when run as the process (not in-process), it exits
 * {@link MODULE_EXIT_GRACE_MS} later with the exit code `main` has set by
 * then, unless it has ended by itself (the timer does not keep it running).
 */
export function exitDespiteModule(ctx: CliContext): void {
  if (ctx.streams.stdout !== process.stdout) return;
  setTimeout(() => ctx.exit(Number(process.exitCode ?? 0)), MODULE_EXIT_GRACE_MS).unref();
}
