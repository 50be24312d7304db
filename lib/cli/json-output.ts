/**
 * How a command prints its `--json` report: one document, one line, on
 * stdout, and how it then ends with exit 1 without printing anything else.
 */
import type { CliContext } from './context';

export { ReportedExit } from './context';

/** Prints `report` as exactly one JSON document on stdout, newline-terminated. */
export function printReport(ctx: CliContext, report: object): void {
  ctx.stdout(`${JSON.stringify(report)}\n`);
}
