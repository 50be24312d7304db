/**
 * Shapes passed between the pipeline stages (locate → read → parse →
 * interpolate → convert/validate). Internal; not exported from the package.
 */
import type { Origin } from './sources/origin';

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

/**
 * A value after interpolation, or from another source (a secrets directory,
 * a variable, `overrides` / `values`).
 *
 * Where it came from: `origin` when set; else, with a `line`, that line of
 * the loaded INI file (`RawSecrets.file`); else the `overrides` / `values`
 * option. See `originOf` in sources/origin.ts.
 */
export interface RawValue {
  readonly value: string;
  /** Line in the INI file; absent for values from other sources. */
  readonly line?: number;
  /** Set for values that are not from the first INI file: a directory's file, a variable, a second INI file. */
  readonly origin?: Origin;
}

export interface RawSection {
  readonly name: string;
  /** Line of the `[name]` header; absent for sections from `overrides` / `values`. */
  readonly line?: number;
  readonly values: Map<string, RawValue>;
}

/** Every section's final string values, keyed by section name. */
export type RawSections = Map<string, RawSection>;
