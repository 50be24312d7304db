/**
 * The pure core of the `envOverrides` source: which variables set which keys.
 */
import { SecretsError, type SecretsProblem } from '../errors';
import { RESERVED_NAMES } from '../reserved-names';
import { suggest } from '../dto/suggest';
import { variableLabel, type SourceRead, type SourceSections } from './origin';

/** What a DTO section declares: its keys, and whether it accepts keys it does not declare. */
export interface KnownSection {
  readonly keys: readonly string[];
  readonly allowUnknownKeys: boolean;
}

/** The DTOs' sections by name. */
export interface KnownSections {
  readonly sections: ReadonlyMap<string, KnownSection>;
}

/** Sections already loaded by earlier sources: section → its keys (a `RawSections` or a `SourceSections` fits). */
export type LoadedSections = ReadonlyMap<
  string,
  ReadonlyMap<string, unknown> | { readonly values: ReadonlyMap<string, unknown> }
>;

/**
 * The name a section or key has in a variable: upper case, every character
 * other than `A-Z` and `0-9` as `_`. `authomatic.facebook` → `AUTHOMATIC_FACEBOOK`.
 */
export function envName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * Matches the variables `<prefix><SECTION>__<KEY>` against the keys the DTOs
 * declare and the keys earlier sources loaded.
 *
 * The prefix is matched exactly (case-sensitive). The rest is compared, after
 * {@link envName} on both sides, with `<SECTION>__<KEY>` of every known key:
 * `SECRETS__AUTHOMATIC_FACEBOOK__CONSUMER_SECRET` sets `consumer_secret` of
 * `[authomatic.facebook]`. A section that is only loaded (no DTO) accepts no new
 * keys. A key no one knows is added, spelled as in the variable, only to the
 * one section whose name begins the rest and that allows unknown keys. An
 * empty variable sets an empty value (so a required key then fails with
 * `EMPTY_VALUE`, rather than the file's value silently staying).
 *
 * @param prefix e.g. `'SECRETS__'`; at least one character.
 * @returns one value per matched variable, origin `{ kind: 'variable', name }`,
 *   sections and keys in the order of the variables' names (sorted).
 * @throws SecretsError with every problem: `NAME_COLLISION` (one variable
 *   matches two keys, e.g. `api_key` and `api-key`, or two sections could take
 *   a new key; or two variables set one key), `UNKNOWN_KEY` (no key matches
 *   and no section takes it: naming the variable and, when known, the
 *   section), `SYNTAX` (a new key that is not `[A-Za-z0-9_-]+`),
 *   `RESERVED_NAME`, `INVALID_OPTION` (an empty prefix). Never a value.
 */
export function matchEnvOverrides(
  env: Readonly<Record<string, string | undefined>>,
  prefix: string,
  known: KnownSections,
  loaded: LoadedSections,
): SourceRead {
  if (typeof prefix !== 'string' || prefix === '') {
    throw new SecretsError([{ code: 'INVALID_OPTION', message: 'envOverrides: prefix must be a non-empty string' }]);
  }
  const index = new KeyIndex(known, loaded);
  const problems: SecretsProblem[] = [];
  const sections: SourceSections = new Map();
  const setBy = new Map<string, string>();

  const names = Object.keys(env)
    .filter((name) => name.startsWith(prefix) && name.length > prefix.length && env[name] !== undefined)
    .sort();
  for (const name of names) {
    const shown = showVariable(name);
    const rest = name.slice(prefix.length);
    const wanted = envName(rest);
    let target: { section: string; key: string } | undefined;

    const matches = index.byEnvName.get(wanted) ?? [];
    if (matches.length > 1) {
      problems.push({
        code: 'NAME_COLLISION',
        message: `${shown} matches ${matches.map(describe).join(' and ')}: set one in a file instead, or rename a key`,
      });
      continue;
    }
    if (matches.length === 1) {
      target = matches[0];
    } else {
      const owners = index.sectionsPrefixing(wanted);
      if (owners.length === 0) {
        problems.push({
          code: 'UNKNOWN_KEY',
          message: `${shown} names no known section and key (<SECTION>__<KEY> after ${JSON.stringify(prefix)})${didYouMean(name, index.variables(prefix))}`,
        });
        continue;
      }
      if (owners.length > 1) {
        problems.push({
          code: 'NAME_COLLISION',
          message: `${shown} could name a key of ${owners.map((s) => `[${s}]`).join(' or ')}`,
        });
        continue;
      }
      const section = owners[0];
      // envName keeps lengths for ASCII; a name it changes in length matches nothing new.
      const key = rest.length === wanted.length ? rest.slice(envName(section).length + 2) : '';
      if (!index.allowsUnknownKeys(section)) {
        problems.push({
          code: 'UNKNOWN_KEY',
          section,
          message: `${shown} matches no key of [${section}]${didYouMean(name, index.variables(prefix, section))}`,
        });
        continue;
      }
      if (!/^[A-Za-z0-9_-]+$/.test(key)) {
        problems.push({ code: 'SYNTAX', section, message: `${shown}: a new key must be letters, digits, "_" and "-"` });
        continue;
      }
      if (RESERVED_NAMES.has(key)) {
        problems.push({ code: 'RESERVED_NAME', section, key, message: `${shown}: "${key}" is a reserved name` });
        continue;
      }
      target = { section, key };
    }

    const id = `${target.section}\0${target.key}`;
    const earlier = setBy.get(id);
    if (earlier !== undefined) {
      problems.push({
        code: 'NAME_COLLISION',
        section: target.section,
        key: target.key,
        message: `set by both ${showVariable(earlier)} and ${shown}`,
      });
      continue;
    }
    setBy.set(id, name);
    let values = sections.get(target.section);
    if (!values) sections.set(target.section, (values = new Map()));
    values.set(target.key, { value: env[name] as string, origin: { kind: 'variable', name } });
  }
  if (problems.length) throw new SecretsError(problems);
  return { sections, warnings: [] };
}

function didYouMean(name: string, candidates: string[]): string {
  const best = suggest(name, candidates);
  return best === undefined ? '' : `: did you mean ${best}?`;
}

function describe(target: { section: string; key: string }): string {
  return `[${target.section}] ${target.key}`;
}

/** As every message names a variable (see `variableLabel`). */
const showVariable = variableLabel;

/** Every key known by DTO or loaded, by `<SECTION>__<KEY>` env name. */
class KeyIndex {
  readonly byEnvName = new Map<string, { section: string; key: string }[]>();
  readonly #sections = new Map<string, boolean>();

  constructor(known: KnownSections, loaded: LoadedSections) {
    const seen = new Set<string>();
    const add = (section: string, key: string) => {
      const id = `${section}\0${key}`;
      if (seen.has(id)) return;
      seen.add(id);
      const name = `${envName(section)}__${envName(key)}`;
      const list = this.byEnvName.get(name);
      if (list) list.push({ section, key });
      else this.byEnvName.set(name, [{ section, key }]);
    };
    for (const [section, { keys, allowUnknownKeys }] of known.sections) {
      this.#sections.set(section, allowUnknownKeys);
      for (const key of keys) add(section, key);
    }
    for (const [section, entry] of loaded) {
      if (!this.#sections.has(section)) this.#sections.set(section, false);
      const values =
        'values' in entry && entry.values instanceof Map ? entry.values : (entry as ReadonlyMap<string, unknown>);
      for (const key of values.keys()) add(section, key);
    }
  }

  /** The variable of every known key (of `section` only, when given). */
  variables(prefix: string, section?: string): string[] {
    const names: string[] = [];
    for (const [name, targets] of this.byEnvName) {
      if (section === undefined || targets.some((t) => t.section === section)) names.push(prefix + name);
    }
    return names;
  }

  allowsUnknownKeys(section: string): boolean {
    return this.#sections.get(section) === true;
  }

  /** Sections `S` such that `wanted` is `envName(S)__<something>`. */
  sectionsPrefixing(wanted: string): string[] {
    return [...this.#sections.keys()].filter((section) => {
      const head = `${envName(section)}__`;
      return wanted.length > head.length && wanted.startsWith(head);
    });
  }
}
