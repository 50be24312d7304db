import { ProblemCollector, type SecretsErrorCode } from '../errors';
import type { ParsedFile, RawSection, RawSections, Reference, Template } from '../model';
import { isConventionalVariableName, LITERAL_DOLLAR_HINT } from './template';
import type { Environment } from '../environment-variables';
import type { FileVariables } from './file-variables';

/** `{ [section]: { [key]: value } }`, as taken by the `overrides` and `values` options. */
export type SectionValues = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * Evaluates every value of every section against `env`, as in POSIX shell
 * parameter expansion: `$NAME` / `${NAME}` is the variable's value;
 * `${NAME:-fallback}` uses the fallback when the variable is unset or empty,
 * `${NAME-fallback}` only when it is unset; a fallback is evaluated only when
 * used. Substituted text is never scanned again.
 *
 * Keys listed in `skip` (section → keys) are not evaluated: an overridden
 * file value is replaced, not interpolated.
 *
 * A variable that is not set but is in `files` (its `NAME_FILE` was set; see
 * `readFileVariables`) takes the file's text, wherever it is referenced
 * (fallbacks too); a `_FILE` problem is reported at the reference, and only
 * when the reference is evaluated.
 *
 * @returns every section of the file (also those no DTO claims), in file order.
 * @throws SecretsError `UNSET_VARIABLE` for each reference to an unset
 *   variable that had no fallback, naming file, line, column, section, key and
 *   the variable when its name is conventional (see `isConventionalVariableName`)
 *   — never a value, nor a fallback's text; and the `_FILE` problems of
 *   `files` (`NAME_COLLISION`, `FILE_NOT_FOUND`…) at their references.
 */
export function interpolate(
  parsed: ParsedFile,
  env: Environment,
  file?: string,
  skip?: SectionValues,
  files?: FileVariables,
): RawSections {
  const problems = new ProblemCollector();
  const result: RawSections = new Map();
  for (const section of parsed.sections.values()) {
    const raw: RawSection = { name: section.name, line: section.line, values: new Map() };
    const skipped = skip && Object.prototype.hasOwnProperty.call(skip, section.name) ? skip[section.name] : undefined;
    for (const entry of section.entries.values()) {
      if (skipped && Object.prototype.hasOwnProperty.call(skipped, entry.key)) continue;
      const unset = (reference: Reference): void =>
        problems.add({
          code: 'UNSET_VARIABLE',
          file,
          line: entry.line,
          column: reference.column,
          section: section.name,
          key: entry.key,
          message: unsetMessage(reference.name),
        });
      const failed = (reference: Reference, problem: { code: SecretsErrorCode; message: string }): void =>
        problems.add({
          code: problem.code,
          file,
          line: entry.line,
          column: reference.column,
          section: section.name,
          key: entry.key,
          message: problem.message,
        });
      const value = evaluate(entry.template, lookup(env, files), unset, failed);
      if (value !== undefined) raw.values.set(entry.key, { value, line: entry.line });
    }
    result.set(section.name, raw);
  }
  problems.throwIfAny();
  return result;
}

/**
 * The `UNSET_VARIABLE` message. Only a conventional name (`API_KEY`) is shown:
 * in `Pa55$wordXYZsecret` the "variable" `wordXYZsecret` is the rest of the
 * password, so any other name is left out, and the problem's line and column
 * point at the `$` instead.
 */
function unsetMessage(name: string): string {
  if (isConventionalVariableName(name)) return `variable ${name} is not set (use \${${name}:-default} for a fallback)`;
  return (
    'the $ here starts a reference to a variable that is not set (its name is not shown: it is not an ' +
    `upper-case variable name like API_KEY, so it may be part of the value); ${LITERAL_DOLLAR_HINT}`
  );
}

type Problem = { code: SecretsErrorCode; message: string };
/** A variable's value (from `env`, else its `_FILE`), `undefined` when unset, or its `_FILE` problem. */
type Lookup = (name: string) => string | undefined | { problem: Problem };

function lookup(env: Environment, files: FileVariables | undefined): Lookup {
  return (name) => {
    const fromFile = files?.get(name);
    // A problem (both set, unreadable file) wins: it must be seen, not hidden by a fallback.
    if (fromFile && 'problem' in fromFile) return fromFile;
    if (Object.prototype.hasOwnProperty.call(env, name) && typeof env[name] === 'string') return env[name];
    return fromFile?.value;
  };
}

/** Evaluates one template; `undefined` when a reference was unset or failed (reported through `unset` / `failed`). */
function evaluate(
  template: Template,
  get: Lookup,
  unset: (reference: Reference) => void,
  failed: (reference: Reference, problem: Problem) => void,
): string | undefined {
  let out = '';
  let ok = true;
  for (const part of template) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const found = get(part.name);
    let value: string | undefined;
    if (typeof found === 'object') failed(part, found.problem);
    else if (part.operator === ':-') value = found || evaluate(part.fallback ?? [], get, unset, failed);
    else if (part.operator === '-') value = found ?? evaluate(part.fallback ?? [], get, unset, failed);
    else if (found !== undefined) value = found;
    else unset(part);
    if (value === undefined) ok = false;
    else out += value;
  }
  return ok ? out : undefined;
}
