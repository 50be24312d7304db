/**
 * How a command prints its `--json` report: one document, one line, on
 * stdout (a command then ends with `ReportedExit` from context.ts).
 */
import type { CliContext } from './context';

/** Prints `report` as exactly one JSON document on stdout, newline-terminated. */
export function printReport(ctx: CliContext, report: object): void {
  ctx.stdout(`${JSON.stringify(report)}\n`);
}

/**
 * For `--json`: a context whose `stdout` is, from now on, the only writer of
 * this process's stdout. Anything else written there — a `--sections`
 * module's `console.log` on import, a logger, a timer the module started
 * that fires after the report — goes to stderr instead, so that the document
 * is all of stdout. A context with streams of its own (an in-process run) is
 * returned as it is.
 *
 * @returns the context to run the command and print its report with
 */
export function reserveStdout(ctx: CliContext): CliContext {
  const stdout = process.stdout;
  if (ctx.streams.stdout !== stdout) return ctx;
  const write = stdout.write.bind(stdout);
  // For the rest of the process: the command ends once its report is printed.
  stdout.write = process.stderr.write.bind(process.stderr) as typeof stdout.write;
  return { ...ctx, stdout: (text) => void write(text) };
}
