/**
 * Where each value came from (provenance), for the sources that feed keys one
 * by one (a secrets directory, environment overrides): plain data, merged once
 * by the loader (a later source wins per key). No Nest imports, no I/O here.
 */
import type { SecretsProblem } from '../errors';
import type { RawValue } from '../model';

/**
 * Where one value came from. Every problem about a value names this place,
 * never the value.
 *
 * - `ini`: a line of an INI file (`column` of the value's first character).
 * - `directory-file`: one file of a secrets directory, by the path the user
 *   sees (`/etc/secrets/db.password`, not the timestamped directory behind
 *   `..data`).
 * - `variable`: an environment variable of `envOverrides`, by name.
 */
export type Origin =
  | { readonly kind: 'ini'; readonly file: string; readonly line: number; readonly column?: number }
  | { readonly kind: 'directory-file'; readonly path: string }
  | { readonly kind: 'variable'; readonly name: string };

/** One key's value and where it came from. */
export interface SourcedValue {
  readonly value: string;
  readonly origin: Origin;
}

/** Section name → key → value, both in a stable order (file order, or sorted by name). */
export type SourceSections = Map<string, Map<string, SourcedValue>>;

/**
 * The result of reading one source: its sections, and warnings (e.g.
 * `INSECURE_MODE`) for the caller to log. Problems that prevent a result are
 * thrown as a `SecretsError` instead; a source never returns half a result.
 */
export interface SourceRead {
  readonly sections: SourceSections;
  readonly warnings: readonly SecretsProblem[];
}

/**
 * The location fields of a {@link SecretsProblem} for a value's origin:
 * `file` (+ `line`/`column`) for files; nothing for a variable, whose name the
 * message itself carries (see {@link describeOrigin}).
 */
export function problemLocation(origin: Origin): Pick<SecretsProblem, 'file' | 'line' | 'column'> {
  switch (origin.kind) {
    case 'ini':
      return { file: origin.file, line: origin.line, column: origin.column };
    case 'directory-file':
      return { file: origin.path };
    case 'variable':
      return {};
  }
}

/** `file:line:column`, the volume file's path, or `variable NAME`: for log lines and messages. */
export function describeOrigin(origin: Origin): string {
  switch (origin.kind) {
    case 'ini':
      return `${origin.file}:${origin.line}${origin.column === undefined ? '' : `:${origin.column}`}`;
    case 'directory-file':
      return origin.path;
    case 'variable':
      return variableLabel(origin.name);
  }
}

/** Variable names are not secrets, but a pasted token could sit in one: named only when name-like. */
export function variableLabel(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/.test(name) ? `variable ${name}` : 'a variable';
}

/**
 * Where a merged value came from: its `origin`, else (with a `line`) that
 * line of `file`, the first INI file loaded; `undefined` for a value of the
 * `values` / `overrides` options.
 */
export function originOf(value: RawValue, file: string | null | undefined): Origin | undefined {
  if (value.origin) return value.origin;
  if (value.line !== undefined && file) return { kind: 'ini', file, line: value.line };
  return undefined;
}

/**
 * What a DTO-stage problem about `value` carries: its location fields, and a
 * suffix for its message naming a variable (` (from variable NAME)`), since a
 * variable has no file. `file` is the first INI file, for values that have
 * no `origin`. Never the value.
 */
export function valueProblemAt(
  value: RawValue,
  file: string | undefined,
): { at: Pick<SecretsProblem, 'file' | 'line' | 'column'>; suffix: string } {
  if (!value.origin) return { at: { file, line: value.line }, suffix: '' };
  const origin = value.origin;
  switch (origin.kind) {
    case 'ini':
      return { at: { file: origin.file, line: origin.line, column: origin.column }, suffix: '' };
    case 'directory-file':
      return { at: { file: origin.path, line: undefined }, suffix: '' };
    case 'variable':
      return { at: { file: undefined, line: undefined }, suffix: ` (from ${variableLabel(origin.name)})` };
  }
}
