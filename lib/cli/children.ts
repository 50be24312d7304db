/**
 * Child processes of the commands (the editor, `exec`'s command): they share
 * the terminal with `nest-secrets`, unless the context captures the output (a
 * test), in which case their stdout and stderr are copied into its streams.
 */
import type { ChildProcess, StdioOptions } from 'node:child_process';
import type { CliContext } from './context';

/** The `stdio` of a child whose output is not masked. */
export function childStdio(ctx: CliContext): StdioOptions {
  return ctx.children === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'];
}

/**
 * Copies a piped child's stdout and stderr into the context's streams.
 *
 * @returns a promise settled once both pipes have ended
 */
export function copyChildOutput(child: ChildProcess, ctx: CliContext): Promise<void> {
  const copy = (from: NodeJS.ReadableStream | null, to: NodeJS.WritableStream) =>
    from
      ? new Promise<void>((resolve) => {
          from.on('data', (chunk: Buffer) => to.write(chunk));
          from.once('end', resolve);
          from.once('error', () => resolve());
        })
      : Promise.resolve();
  return Promise.all([copy(child.stdout, ctx.streams.stdout), copy(child.stderr, ctx.streams.stderr)]).then(
    () => undefined,
  );
}
