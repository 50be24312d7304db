/**
 * `exec --env NAME=section.key`: variables named for the tools they feed
 * (Prisma's `DATABASE_URL`, TypeORM's `TYPEORM_PASSWORD`), set from one key
 * of the file each. Parsed and checked against the environment before the
 * file is read; resolved against the file on every load (`--watch` too).
 */
import { isPresentableName, SecretsError, type SecretsProblem } from '../errors';
import type { Environment } from '../environment-variables';
import { suggest } from '../dto/suggest';
import type { RawSections } from '../model';
import { CliError, EXIT_USAGE } from './context';

/** One `--env NAME=section.key`. */
export interface EnvMapping {
  /** The variable set for the command. */
  readonly name: string;
  /** The section, everything before the last `.` (it may hold dots: `authomatic.facebook`). */
  readonly section: string;
  /** The key, after the last `.` (keys never hold one). */
  readonly key: string;
}

/** A portable variable name: letters, digits and `_`, not starting with a digit. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** What no key holds (as the INI parser): whitespace and brackets. */
const NOT_IN_KEYS = /[\s[\]]/;
/** A section name as the INI parser reads one: no `]` or line break, no whitespace at either end (`[my app]`). */
const SECTION_NAME = /^[^\s\]](?:[^\]\r\n]*[^\s\]])?$/;
/** The prefix of the variables `exec` sets by itself. */
const OWN_PREFIX = 'SECRET_';

const SHAPE = 'NAME=section.key (for example DATABASE_URL=database.url)';

/**
 * Parses one `--env` argument. The text is never echoed whole: a user who
 * typed `NAME=<the value>` must not see the value in the error.
 *
 * @throws CliError (exit 2) when there is no `=`, the name is not a variable
 *   name, or the right side is not `section.key` (split at the last `.`)
 */
export function parseEnvMapping(text: string): EnvMapping {
  const equals = text.indexOf('=');
  if (equals < 0) throw new CliError(`exec: --env must be ${SHAPE}`, EXIT_USAGE);
  const name = text.slice(0, equals);
  if (!VARIABLE_NAME.test(name)) {
    const shown = isPresentableName(name) ? `"${name}"` : 'the part before "="';
    throw new CliError(
      `exec: --env: ${shown} is not a variable name (letters, digits and "_", not starting with a digit)`,
      EXIT_USAGE,
    );
  }
  const path = text.slice(equals + 1);
  const dot = path.lastIndexOf('.');
  const section = path.slice(0, dot);
  const key = path.slice(dot + 1);
  if (dot < 0 || !SECTION_NAME.test(section) || key === '' || NOT_IN_KEYS.test(key)) {
    throw new CliError(
      `exec: --env ${name}: the part after "=" must be section.key, a key of the file (not a value)`,
      EXIT_USAGE,
    );
  }
  return { name, section, key };
}

/**
 * Checks the mappings together, before the file is read.
 *
 * @throws CliError (exit 2) when two mappings name one variable; when a name
 *   starts with `SECRET_` without `onlyMapped` (it would fight `exec`'s own
 *   variables); when `env` already has the variable (even empty) and
 *   `override` is not set. Names compare ignoring case when `platform`
 *   (default: this process's) is `win32`.
 */
export function checkEnvMappings(
  mappings: readonly EnvMapping[],
  env: Environment,
  options: { override: boolean; onlyMapped: boolean; platform?: NodeJS.Platform },
): void {
  const fold = variableFolder(options.platform ?? process.platform);
  const seen = new Set<string>();
  const present = new Set(
    Object.keys(env)
      .filter((name) => env[name] !== undefined)
      .map(fold),
  );
  for (const { name } of mappings) {
    if (seen.has(fold(name))) throw new CliError(`exec: --env ${name} is given twice`, EXIT_USAGE);
    seen.add(fold(name));
    if (!options.onlyMapped && fold(name).startsWith(fold(OWN_PREFIX))) {
      throw new CliError(
        `exec: --env ${name}: names starting with ${OWN_PREFIX} are exec's own; choose another name or pass --only-mapped`,
        EXIT_USAGE,
      );
    }
    if (!options.override && present.has(fold(name))) {
      throw new CliError(
        `exec: --env ${name}: the environment already has ${name}; pass --override to replace it`,
        EXIT_USAGE,
      );
    }
  }
}

/**
 * How variable names compare: exactly, or ignoring case on Windows, where
 * `Path` and `PATH` are one variable.
 */
export function variableFolder(platform: NodeJS.Platform): (name: string) => string {
  return platform === 'win32' ? (name) => name.toUpperCase() : (name) => name;
}

/**
 * The environment of a child: `base` with `variables` set over it. On
 * Windows a variable of `base` that differs from one of `variables` only in
 * case is dropped (else the child would get both, and either could win).
 */
export function withVariables(
  base: Environment,
  variables: Record<string, string>,
  platform: NodeJS.Platform = process.platform,
): Record<string, string | undefined> {
  const fold = variableFolder(platform);
  const replaced = new Set(Object.keys(variables).map(fold));
  const kept = Object.entries(base).filter(([name]) => !replaced.has(fold(name)));
  return { ...Object.fromEntries(kept), ...variables };
}

/**
 * The mapped variables from one load of the file.
 *
 * @throws SecretsError `MISSING_SECTION` / `MISSING_KEY` for every mapping
 *   whose section or key the file lacks (with a "did you mean" among the
 *   file's names; names shown only when they look like names); `ENCODING`
 *   for a value with a NUL character
 */
export function mappedVariables(
  mappings: readonly EnvMapping[],
  raw: RawSections,
  file: string,
): Record<string, string> {
  // No prototype: `--env __proto__=…` sets a variable, as any other name.
  const variables: Record<string, string> = Object.create(null) as Record<string, string>;
  const problems: SecretsProblem[] = [];
  for (const mapping of mappings) {
    const found = lookUp(mapping, raw, file);
    if ('problem' in found) problems.push(found.problem);
    else variables[mapping.name] = found.value;
  }
  if (problems.length) throw new SecretsError(problems);
  return variables;
}

/**
 * One warning line (for stderr) per mapping whose value is empty: the
 * command still runs, with the variable set to the empty string. Names only,
 * never a value; the `section.key` only when it looks like names.
 *
 * @param variables what {@link mappedVariables} returned for `mappings`
 */
export function emptyMappingWarnings(
  mappings: readonly EnvMapping[],
  variables: Readonly<Record<string, string>>,
): string[] {
  return mappings
    .filter(({ name }) => variables[name] === '')
    .map(({ name, section, key }) => {
      const where = isPresentableName(section) && isPresentableName(key) ? `${section}.${key}` : 'its key';
      return `warning: exec: --env ${name}: ${where} is empty; ${name} is set to the empty string\n`;
    });
}

function lookUp(
  { name, section, key }: EnvMapping,
  raw: RawSections,
  file: string,
): { value: string } | { problem: SecretsProblem } {
  const shown = isPresentableName(section) && isPresentableName(key);
  const where = shown ? { section, key } : {};
  const sectionValues = raw.get(section);
  if (!sectionValues) {
    const near = shown ? suggest(section, raw.keys()) : undefined;
    const hint = near !== undefined && isPresentableName(near) ? ` (did you mean [${near}]?)` : '';
    return {
      problem: {
        code: 'MISSING_SECTION',
        file,
        ...where,
        message: `--env ${name}: the file has no such section${hint}`,
      },
    };
  }
  const entry = sectionValues.values.get(key);
  if (!entry) {
    const near = shown ? suggest(key, sectionValues.values.keys()) : undefined;
    const hint = near !== undefined && isPresentableName(near) ? ` (did you mean ${near}?)` : '';
    return { problem: { code: 'MISSING_KEY', file, ...where, message: `--env ${name}: no such key${hint}` } };
  }
  if (entry.value.includes('\0')) {
    return {
      problem: {
        code: 'ENCODING',
        file,
        line: entry.line,
        ...where,
        message: `--env ${name}: the value contains a NUL character, which no environment variable can hold`,
      },
    };
  }
  return { value: entry.value };
}
