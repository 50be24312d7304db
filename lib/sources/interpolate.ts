import { ProblemCollector } from '../errors';
import type { ParsedFile, RawSection, RawSections, Reference, Template } from '../model';
import { isConventionalVariableName, LITERAL_DOLLAR_HINT } from './template';
import { ownString, type Environment } from '../environment-variables';

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
 * @returns every section of the file (also those no DTO claims), in file order.
 * @throws SecretsError `UNSET_VARIABLE` for each reference to an unset
 *   variable that had no fallback, naming file, line, column, section, key and
 *   the variable when its name is conventional (see `isConventionalVariableName`)
 *   — never a value, nor a fallback's text.
 */
export function interpolate(parsed: ParsedFile, env: Environment, file?: string, skip?: SectionValues): RawSections {
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
      const value = evaluate(entry.template, env, unset);
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

/** Evaluates one template; `undefined` when a reference was unset (reported through `unset`). */
function evaluate(template: Template, env: Environment, unset: (reference: Reference) => void): string | undefined {
  let out = '';
  let ok = true;
  for (const part of template) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const isSet = Object.prototype.hasOwnProperty.call(env, part.name) && typeof env[part.name] === 'string';
    let value: string | undefined;
    if (part.operator === ':-') value = ownString(env, part.name) ?? evaluate(part.fallback ?? [], env, unset);
    else if (part.operator === '-')
      value = isSet ? (env[part.name] as string) : evaluate(part.fallback ?? [], env, unset);
    else if (isSet) value = env[part.name] as string;
    else unset(part);
    if (value === undefined) ok = false;
    else out += value;
  }
  return ok ? out : undefined;
}
