/**
 * Shapes passed between the pipeline stages (locate → read → parse →
 * interpolate → convert/validate). Internal; not exported from the package.
 */

/**
 * A variable reference inside a value, as in POSIX shell parameter expansion:
 * `$NAME`, `${NAME}`, `${NAME:-fallback}` (fallback when unset or empty),
 * `${NAME-fallback}` (fallback when unset). `column` is the 1-based column of
 * the `$` in its line.
 */
export interface Reference {
  readonly name: string;
  readonly column: number;
  readonly operator?: ':-' | '-';
  readonly fallback?: Template;
}

/** Literal text (already unescaped) and references, in order. */
export type TemplatePart = string | Reference;
export type Template = readonly TemplatePart[];

/** One `key = value` line of the file. */
export interface ParsedEntry {
  readonly key: string;
  readonly line: number;
  readonly template: Template;
}

/** One `[name]` section of the file, entries in file order. */
export interface ParsedSection {
  readonly name: string;
  readonly line: number;
  readonly entries: ReadonlyMap<string, ParsedEntry>;
}

/** A parsed secrets file: sections in file order. */
export interface ParsedFile {
  readonly sections: ReadonlyMap<string, ParsedSection>;
}

/** A value after interpolation (or from `overrides` / `values`). */
export interface RawValue {
  readonly value: string;
  /** Line in the file; absent for values from `overrides` / `values`. */
  readonly line?: number;
}

export interface RawSection {
  readonly name: string;
  /** Line of the `[name]` header; absent for sections from `overrides` / `values`. */
  readonly line?: number;
  readonly values: Map<string, RawValue>;
}

/** Every section's final string values, keyed by section name. */
export type RawSections = Map<string, RawSection>;
