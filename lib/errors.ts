/**
 * The one error type of the package. Every stage reports structured problems
 * into it; the human-readable message is built here and only here, from
 * names, paths, line numbers and our own wording — never from a value.
 */

/**
 * Stable problem codes. Documented in README ("Error codes"); tests and
 * callers may switch on them.
 */
export const SECRETS_ERROR_CODES = [
  'INVALID_ENVIRONMENT',
  'FILE_NOT_FOUND',
  'FILE_UNREADABLE',
  'FILE_TOO_LARGE',
  'AMBIGUOUS_FILE',
  'NO_IDENTITY',
  'INVALID_IDENTITY',
  'DECRYPTION_FAILED',
  'INVALID_RECIPIENT',
  'NO_RECIPIENTS',
  'ENCODING',
  'SYNTAX',
  'DUPLICATE_SECTION',
  'DUPLICATE_KEY',
  'RESERVED_NAME',
  'UNSET_VARIABLE',
  'BAD_REFERENCE',
  'MISSING_SECTION',
  'MISSING_KEY',
  'EMPTY_VALUE',
  'UNKNOWN_KEY',
  'CONVERSION',
  'VALIDATION',
  'NO_RULES',
  'NO_METADATA',
  'INVALID_OPTION',
  'NOT_FOUND',
  'FILE_EXISTS',
  'PLAINTEXT_TRACKED',
  'INSECURE_MODE',
  'PLACEHOLDER',
  'DUPLICATE_VALUE',
  'NAME_COLLISION',
] as const;

/** One of {@link SECRETS_ERROR_CODES}. */
export type SecretsErrorCode = (typeof SECRETS_ERROR_CODES)[number];

/**
 * One thing wrong with the secrets. `line` and `column` are 1-based and refer
 * to the (decrypted) text of `file`. `message` never contains a secret value.
 */
export interface SecretsProblem {
  readonly code: SecretsErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly section?: string;
  readonly key?: string;
  readonly message: string;
}

/**
 * Formats one problem as `<file>:<line>[:<column>] [<section>] <key>: <message>`;
 * parts that are not known are left out.
 */
export function formatProblem(problem: SecretsProblem): string {
  let where = '';
  if (problem.file !== undefined) {
    where = problem.file;
    if (problem.line !== undefined) {
      where += `:${problem.line}`;
      if (problem.column !== undefined) where += `:${problem.column}`;
    }
  } else if (problem.line !== undefined) {
    where = `line ${problem.line}`;
    if (problem.column !== undefined) where += `:${problem.column}`;
  }
  const parts: string[] = [];
  if (where) parts.push(where);
  if (problem.section !== undefined) parts.push(`[${problem.section}]`);
  if (problem.key !== undefined) parts.push(problem.key);
  return parts.length ? `${parts.join(' ')}: ${problem.message}` : problem.message;
}

function withoutKey(problem: SecretsProblem): SecretsProblem {
  const copy = { ...problem };
  delete (copy as { key?: string }).key;
  return copy;
}

/** How many problems a message lists; `problems` holds them all (up to {@link MAX_PROBLEMS}). */
export const MESSAGE_PROBLEMS = 100;
/** How many problems a stage collects before it stops counting them one by one. */
export const MAX_PROBLEMS = 1000;

/**
 * Thrown by every stage of the package. `problems` lists everything found in
 * the stage that failed (never a partial result); `message` is one formatted
 * problem per line, in the order found (the first {@link MESSAGE_PROBLEMS},
 * then how many more). Neither contains a secret value, and
 * there is never a `cause` (a library's own message may quote input).
 */
export class SecretsError extends Error {
  override readonly name = 'SecretsError';
  readonly problems: readonly SecretsProblem[];

  constructor(problems: readonly SecretsProblem[]) {
    if (problems.length === 0) throw new TypeError('SecretsError needs at least one problem');
    // The last line of defence for keys: every stage and command reports here.
    problems = problems.map((p) => (p.key === undefined || isPresentableName(p.key) ? p : withoutKey(p)));
    const shown = problems.slice(0, MESSAGE_PROBLEMS).map(formatProblem);
    if (problems.length > MESSAGE_PROBLEMS) shown.push(`… and ${problems.length - MESSAGE_PROBLEMS} more problems`);
    super(shown.join('\n'));
    this.problems = Object.freeze(problems.map((p) => Object.freeze({ ...p })));
  }

  /** The codes of all problems, in order; handy in tests. */
  get codes(): SecretsErrorCode[] {
    return this.problems.map((p) => p.code);
  }

  toJSON(): { name: string; message: string; problems: readonly SecretsProblem[] } {
    return { name: this.name, message: this.message, problems: this.problems };
  }
}

/**
 * Collects problems across a stage so that the user sees all of them at once.
 * `throwIfAny()` ends the stage.
 */
export class ProblemCollector {
  readonly problems: SecretsProblem[] = [];

  // A 1 MiB file of `$1$1…` has half a million problems: keep the first
  // MAX_PROBLEMS so that memory and the report stay bounded.
  add(problem: SecretsProblem): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(problem);
  }

  get empty(): boolean {
    return this.problems.length === 0;
  }

  throwIfAny(): void {
    if (this.problems.length) throw new SecretsError(this.problems);
  }
}

// Keys and section names are not secrets, but a line of the file that was
// meant as a value (a wrapped base64 secret ending in `=`, a pasted token)
// parses as a key. Such a name is shown only when it looks like a name.
const NAME_LIKE = /^[A-Za-z_][A-Za-z0-9_.:/-]{0,63}$/;

/**
 * Whether a key or section name from the file may be shown in an error or a
 * log line: at most 64 characters of `[A-Za-z0-9_.:/-]`, starting with a
 * letter or `_`, and not a 16+ character mix of upper case, lower case and
 * digits, nor holding a run of 16+ letters and digits with 3+ digits (a hex
 * token): random tokens look like that; names rarely do.
 */
export function isPresentableName(name: string): boolean {
  if (!NAME_LIKE.test(name)) return false;
  if (name.length >= 16 && /[A-Z]/.test(name) && /[a-z]/.test(name) && /[0-9]/.test(name)) return false;
  if ((name.match(/[A-Za-z0-9]{16,}/g) ?? []).some((run) => (run.match(/[0-9]/g) ?? []).length >= 3)) return false;
  return true;
}

/** The constructor name of a thrown value; never its message. */
export function errorName(error: unknown): string {
  if (error instanceof Error) return error.constructor?.name || error.name || 'an error';
  return `a non-Error ${error === null ? 'null' : typeof error}`;
}
