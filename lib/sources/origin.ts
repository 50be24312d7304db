/**
 * Where each value came from (provenance), for the sources that feed keys one
 * by one (a secrets directory, environment overrides): plain data, merged once
 * by the loader (a later source wins per key). No Nest imports, no I/O here.
 */
import type { SecretsProblem } from '../errors';

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
      return `variable ${origin.name}`;
  }
}
