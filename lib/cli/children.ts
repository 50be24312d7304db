/**
 * Child processes of the commands (the editor, `exec`'s command): they share
 * the terminal with `nest-secrets`, unless the context captures the output (a
 * test), in which case their stdout and stderr are copied into its streams.
 */
import { spawn, type ChildProcess, type SpawnOptions, type StdioOptions } from 'node:child_process';
import type crossSpawnModule from 'cross-spawn';
import type { CliContext } from './context';

/**
 * The `stdio` of a child: the terminal's stdin (none when the output is
 * captured); stdout and stderr the terminal's, or pipes when `piped` (the
 * caller reads them) or when the context captures the output.
 */
export function childStdio(ctx: CliContext, piped = false): StdioOptions {
  const stdin = ctx.children === 'inherit' ? 'inherit' : 'ignore';
  return piped || ctx.children === 'pipe' ? [stdin, 'pipe', 'pipe'] : 'inherit';
}

/**
 * Copies a piped child's stdout and stderr into the context's streams, from
 * now on (so that a full pipe never stalls the child).
 *
 * @returns `finish`, settled once both pipes have ended
 */
export function copyChildOutput(child: ChildProcess, ctx: CliContext): { finish(): Promise<void> } {
  const copy = (from: NodeJS.ReadableStream | null, to: NodeJS.WritableStream) =>
    from
      ? new Promise<void>((resolve) => {
          from.on('data', (chunk: Buffer) => to.write(chunk));
          from.once('end', resolve);
          from.once('error', () => resolve());
        })
      : Promise.resolve();
  const copied = Promise.all([copy(child.stdout, ctx.streams.stdout), copy(child.stderr, ctx.streams.stderr)]);
  return { finish: () => copied.then(() => undefined) };
}

/**
 * Starts `command` with `args`, never through a shell we choose: on Windows
 * cross-spawn resolves it as npm does (PATH and PATHEXT, so `npx` finds
 * `npx.cmd`) and runs `.cmd`/`.bat` shims and shebang scripts through
 * `cmd.exe` with every argument escaped; elsewhere `child_process.spawn` runs it.
 * Failing to start is an `error` event (`code` `ENOENT` when not found), as with `spawn`.
 */
export function spawnCommand(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  // Loaded on first use, and only on Windows: elsewhere cross-spawn calls
  // `child_process.spawn` unchanged, and loading it with `which` and
  // friends (11 files) cost `exec` several ms of start-up.
  const start =
    process.platform === 'win32'
      ? // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require('cross-spawn') as typeof crossSpawnModule)
      : spawn;
  return start(command, [...args], { ...options });
}
