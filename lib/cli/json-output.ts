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
