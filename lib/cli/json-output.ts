/**
 * How a command prints its `--json` report: one document, one line, on
 * stdout, and how it then ends with exit 1 without printing anything else.
 */
import { ChildExit } from './exec';
import type { CliContext } from './context';

/**
 * Ends a command whose report has been printed already with `exitCode`.
 * `main` returns a `ChildExit`'s code without printing: the command has
 * spoken for itself, as `exec`'s child has.
 */
export class ReportedExit extends ChildExit {}

/** Prints `report` as exactly one JSON document on stdout, newline-terminated. */
export function printReport(ctx: CliContext, report: object): void {
  ctx.stdout(`${JSON.stringify(report)}\n`);
}

/**
 * Runs `work` with what this process itself writes to its stdout (a
 * `--sections` module's `console.log` on import, a logger, a custom
 * validator's debug line) sent to stderr instead, so that the `--json`
 * document printed afterwards is all of stdout. Only when `ctx` prints to
 * this process's stdout (not in-process runs with their own streams); the
 * stream is restored before `work`'s promise settles.
 *
 * @returns what `work` returns; rethrows what it throws
 */
export async function withStdoutOnStderr<T>(ctx: CliContext, work: () => Promise<T>): Promise<T> {
  const stdout = process.stdout;
  if (ctx.streams.stdout !== stdout) return work();
  const own = Object.getOwnPropertyDescriptor(stdout, 'write');
  stdout.write = process.stderr.write.bind(process.stderr) as typeof stdout.write;
  try {
    return await work();
  } finally {
    if (own) Object.defineProperty(stdout, 'write', own);
    else delete (stdout as { write?: unknown }).write;
  }
}
