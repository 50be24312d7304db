/**
 * The documents `nest-secrets check --json` and `nest-secrets keys --json`
 * print: their types (for a CI job or an editor that parses them) and the
 * one conversion they share, a {@link SecretsProblem} into a
 * {@link ReportedProblem}.
 *
 * Stability: a document names its shape in `schema`
 * (`nest-secrets/<command>@<major>`). Within one major version fields are
 * only ever added, never renamed, removed or given another meaning; a
 * consumer should ignore fields it does not know. Every field listed here is
 * always present (`null` when not known), so `jq '.file'` never has to guess.
 *
 * What a document never holds: a secret value, a fallback's text, a hash or
 * fingerprint of a value (a hash of a short value can be reversed by trying
 * every value; `check` compares values by a salted hash that lives in memory
 * for one run only and is never printed), nor a key or variable name that
 * looks like a value (`null` instead; see `isPresentableName`).
 */
import { isPresentableName, type SecretsErrorCode, type SecretsProblem } from '../errors';

/** `schema` of {@link CheckReport}. */
export const CHECK_REPORT_SCHEMA = 'nest-secrets/check@1';
/** `schema` of {@link KeysReport}. */
export const KEYS_REPORT_SCHEMA = 'nest-secrets/keys@1';

/**
 * One problem, as the text output prints it (`<file>:<line>[:<column>]
 * [<section>] <key>: <message>`), split into fields. `message` is the same
 * text, never containing a value.
 */
export interface ReportedProblem {
  /**
   * `error` fails the run (exit 1); `warning` does not. With `check --strict`
   * every warning is reported as an `error`.
   */
  readonly severity: 'error' | 'warning';
  /** One of the stable codes of README's "Error codes" (`SECRETS_ERROR_CODES`). */
  readonly code: SecretsErrorCode;
  /** The file the problem is in: the secrets file, a secrets directory's file; `null` for a variable. */
  readonly file: string | null;
  /** 1-based line in the (decrypted) text of `file`. */
  readonly line: number | null;
  /** 1-based column in that line. */
  readonly column: number | null;
  readonly section: string | null;
  /** `null` also when the key's name looks like a value (the message then names its line). */
  readonly key: string | null;
  readonly message: string;
}

/** What `nest-secrets check --json` prints: one document for the whole run. */
export interface CheckReport {
  readonly schema: typeof CHECK_REPORT_SCHEMA;
  /** No error in any environment (warnings allowed unless `strict`): exit 0. */
  readonly ok: boolean;
  /** Whether `--strict` made warnings errors. */
  readonly strict: boolean;
  /** One per `-e` environment, in the order given. */
  readonly environments: readonly CheckedEnvironment[];
}

/** One environment of a {@link CheckReport}. */
export interface CheckedEnvironment {
  readonly environment: string;
  /**
   * The secrets file found (`…-secrets.ini`, else `….ini.age`), also when it
   * could not be read, decrypted or parsed; `null` when neither exists, or
   * both do (`AMBIGUOUS_FILE`).
   */
  readonly file: string | null;
  /** Whether `file` is age-encrypted (decrypted in memory). */
  readonly encrypted: boolean;
  /** No error in this environment. */
  readonly ok: boolean;
  /** Every section of the merged sources, in file order (also sections no DTO claims); `[]` when none was read. */
  readonly sections: readonly string[];
  /** How many keys those sections hold. */
  readonly keys: number;
  /**
   * Errors and warnings in the order found. A value shared with an earlier
   * environment is a `DUPLICATE_VALUE` warning of the later one.
   */
  readonly problems: readonly ReportedProblem[];
}

/** What `nest-secrets keys --json` prints. */
export interface KeysReport {
  readonly schema: typeof KEYS_REPORT_SCHEMA;
  /**
   * No error: the file (and every `--secrets-dir`) could be read and parsed,
   * so every key is listed. It does not say the app would load: a variable
   * that is unset (no fallback) or in `conflict` shows only in its `state`.
   */
  readonly ok: boolean;
  readonly environment: string;
  /**
   * The secrets file found (`…-secrets.ini`, else `….ini.age`), also when it
   * could not be read, decrypted or parsed; `null` when neither exists, or
   * both do (`AMBIGUOUS_FILE`).
   */
  readonly file: string | null;
  /** Whether `file` is age-encrypted (decrypted in memory). */
  readonly encrypted: boolean;
  /** The sources read after the file, in order: each `--secrets-dir`, then `--env-prefix` — as given, also when `ok` is false. */
  readonly sources: readonly LaterSource[];
  /** In file order, then sections only later sources hold; `[]` when `ok` is false. */
  readonly sections: readonly ListedSection[];
  /**
   * Warnings (a secrets directory's file mode) in the order the sources were
   * read, then the error that stopped the listing (the file or a directory
   * cannot be read, decrypted or parsed).
   */
  readonly problems: readonly ReportedProblem[];
}

/** A source read after the INI file. */
export type LaterSource =
  { readonly kind: 'directory'; readonly path: string } | { readonly kind: 'variables'; readonly prefix: string };

/** A section of a {@link KeysReport}. */
export interface ListedSection {
  readonly name: string;
  /** In file order, then keys only later sources set. */
  readonly keys: readonly ListedKey[];
}

/** One key of a {@link KeysReport}: where its value comes from, never the value. */
export interface ListedKey {
  /** `null` when the name looks like a value (a wrapped base64 line): `origin.line` locates it. */
  readonly key: string | null;
  /** Where the value the app would use comes from: a later source that sets the key wins. */
  readonly origin: KeyOrigin;
  /**
   * `set` a value is written (or a later source sets one), `empty` nothing
   * after `=` (or an empty file or variable), `reference` the value reads
   * `variables`.
   */
  readonly value: 'set' | 'empty' | 'reference';
  /** The variables the value reads, in order, each once (also those inside fallbacks); `[]` unless `reference`. */
  readonly variables: readonly ReferencedVariable[];
}

/** {@link ListedKey.origin}: a line of the INI file, a secrets directory's file, or a variable. */
export type KeyOrigin =
  | { readonly kind: 'ini'; readonly file: string; readonly line: number }
  | { readonly kind: 'directory-file'; readonly path: string }
  /** `name` is `null` when it does not look like a variable name. */
  | { readonly kind: 'variable'; readonly name: string | null };

/** A `$VAR` a value reads, and its state in the environment `keys` ran in. */
export interface ReferencedVariable {
  /**
   * `null` unless a conventional upper-case name (`[A-Z_][A-Z0-9_]*`, at most
   * 64 characters): any other "name" may be the rest of a password whose `$`
   * was meant literally (`$$` writes a literal `$`).
   */
  readonly name: string | null;
  /**
   * `set`, `empty` (set to the empty string), `unset`, `file` (unset, but
   * `<NAME>_FILE` names a file to read it from), `conflict` (both set: an
   * error when loading).
   */
  readonly state: 'set' | 'empty' | 'unset' | 'file' | 'conflict';
  /** Whether the reference has a fallback (`${VAR:-…}`, `${VAR-…}`); its text is never shown. */
  readonly fallback: boolean;
}

/**
 * `problem` as a {@link ReportedProblem}: unknown fields `null`, and a key
 * that looks like a value left out, as `SecretsError` does.
 */
export function reportedProblem(problem: SecretsProblem, severity: ReportedProblem['severity']): ReportedProblem {
  return {
    severity,
    code: problem.code,
    file: problem.file ?? null,
    line: problem.line ?? null,
    column: problem.column ?? null,
    section: problem.section ?? null,
    key: problem.key !== undefined && isPresentableName(problem.key) ? problem.key : null,
    message: problem.message,
  };
}
