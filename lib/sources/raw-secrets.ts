/**
 * The front half of the pipeline, shared by `loadSecrets` (hence
 * `SecretsModule`) and every CLI command that reads secrets: options →
 * environment → each source in order, merged per key → overrides → raw
 * sections with their provenance. The DTO stages (lib/dto) start from its
 * result.
 *
 * A new source is a factory in sources.ts and a case here, returning raw
 * sections whose values carry their `origin`.
 */
import * as path from 'node:path';
import type { Environment } from '../environment-variables';
import { isPresentableName, SecretsError, type SecretsProblem } from '../errors';
import { loadLazily } from '../load-lazily';
import type { RawSection, RawSections, RawValue } from '../model';
import { matchEnvOverrides, type KnownSections } from './env-overrides';
import { readSecretsFile, type SecretsFile } from './file-source';
import { readFileVariables } from './file-variables';
import { interpolate } from './interpolate';
import type { SectionValues } from './interpolate';
import { chooseEnvironment, locate, type EnvironmentSource } from './locate';
import { describeOrigin, originOf, problemLocation, type Origin, type SourceSections } from './origin';
import { DEFAULT_MAX_FILE_SIZE } from './read';
import { readSecretsDirectory } from './secrets-directory';
import type { SourceResult } from './source';
import { DEFAULT_SOURCES, type IniFileOptions, type SecretsSourceDefinition, type SourceSummary } from './sources';
import { applyValues, valuesSource } from './values-source';

/** The `loadSecrets` options that choose and read the sources (already checked by `loadSecrets`). */
export interface RawSecretsOptions {
  environment?: string;
  environmentVariable?: string;
  directory?: string;
  file?: string;
  /** Variables for selection, interpolation, age identities and `envOverrides`. */
  env: Environment;
  overrides?: SectionValues;
  values?: SectionValues;
  /** Default {@link DEFAULT_MAX_FILE_SIZE}. */
  maxFileSize?: number;
  identity?: string | readonly string[];
  /** In order, a later one winning per key. Default `[iniFile()]`. Ignored when `values` is given. */
  sources?: readonly SecretsSourceDefinition[];
  /** The DTO classes: `envOverrides` matches variables against the keys they declare. Default `[]`. */
  sections?: readonly Function[];
}

/** Raw sections, where they came from, and the environment they belong to. */
export interface RawSecrets extends SourceResult {
  readonly environment: string;
  readonly environmentSource: EnvironmentSource;
  /** What each source read, in order. */
  readonly sources: readonly SourceSummary[];
  /** Problems that did not stop the load (`INSECURE_MODE` of a secrets directory), for the caller to log. */
  readonly warnings: readonly SecretsProblem[];
}

/**
 * Chooses the environment, reads each source of `sources` in order (or only
 * `values` when given) and merges them per key — a later source wins; a
 * section keeps the place where it was first seen — then applies
 * `overrides`.
 *
 * `file`, `source`, `encrypted` and `parsed` describe the first INI file of
 * the sources (`null`, `'sources'` when there is none); values of that file
 * carry their `line`, values of every other source their `origin`.
 *
 * Every source is read (INI files parsed) before any INI file is
 * interpolated: a key that a later source or `overrides` sets is not
 * interpolated, so the variable it references need not be set.
 *
 * @throws SecretsError of the first stage (of the first source) that
 *   failed: `INVALID_ENVIRONMENT`, the read, decryption, parse codes, a
 *   secrets directory's and `envOverrides`' codes; then interpolation codes;
 *   then `DUPLICATE_SECTION` / `DUPLICATE_KEY` across sources.
 */
export async function loadRawSecrets(options: RawSecretsOptions): Promise<RawSecrets> {
  const { env, overrides } = options;
  const chosen = chooseEnvironment(options);
  if (options.values !== undefined) {
    const result = valuesSource(options.values);
    if (overrides !== undefined) applyValues(result.raw, overrides);
    return { ...result, ...chosen, sources: [{ kind: 'values' }], warnings: [] };
  }

  // Every source is read first, the INI files only parsed: a key a later
  // source sets is not interpolated in an earlier file (as with `overrides`),
  // so `password = ${DB_PASSWORD}` needs no DB_PASSWORD when the directory or
  // a variable gives db.password.
  type Step =
    | { readonly kind: 'ini'; readonly file: SecretsFile; readonly maxFileSize: number }
    | { readonly kind: 'sourced'; readonly sections: SourceSections; readonly summary: SourceSummary };
  const steps: Step[] = [];
  const loaded = new Map<string, Map<string, true>>();
  const load = (section: string, keys: Iterable<string>): void => {
    let known = loaded.get(section);
    if (!known) loaded.set(section, (known = new Map()));
    for (const key of keys) known.set(key, true);
  };
  const warnings: SecretsProblem[] = [];
  for (const definition of options.sources ?? DEFAULT_SOURCES) {
    switch (definition.kind) {
      case 'ini': {
        const given = definedOnly(definition.options);
        const location = locate({ ...options, ...given, env });
        const maxFileSize = given.maxFileSize ?? options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
        const file = await readSecretsFile(location, {
          maxFileSize,
          identity: given.identity ?? options.identity,
          env,
        });
        for (const section of file.parsed.sections.values()) load(section.name, section.entries.keys());
        steps.push({ kind: 'ini', file, maxFileSize });
        break;
      }
      case 'directory': {
        const read = await readSecretsDirectory(definition.path, {
          ...definition.options,
          environment: chosen.environment,
        });
        for (const [name, values] of read.sections) load(name, values.keys());
        warnings.push(...read.warnings);
        steps.push({
          kind: 'sourced',
          sections: read.sections,
          summary: {
            kind: 'directory',
            path: path.resolve(definition.path),
            layout: read.layout,
            ...(read.version === undefined ? {} : { version: read.version }),
            keys: countValues(read.sections),
          },
        });
        break;
      }
      case 'env': {
        const read = matchEnvOverrides(env, definition.prefix, await known(options.sections ?? []), loaded);
        for (const [name, values] of read.sections) load(name, values.keys());
        steps.push({
          kind: 'sourced',
          sections: read.sections,
          summary: { kind: 'env', prefix: definition.prefix, keys: countValues(read.sections) },
        });
        break;
      }
    }
  }

  const merged: RawSections = new Map();
  const sources: SourceSummary[] = [];
  let first: SourceResult | undefined;
  for (const [index, step] of steps.entries()) {
    if (step.kind === 'sourced') {
      mergeSourced(merged, step.sections);
      sources.push(step.summary);
      continue;
    }
    const { location, file, encrypted, parsed } = step.file;
    const files = await readFileVariables(parsed, env, step.maxFileSize);
    const raw = interpolate(parsed, env, file, replacedLater(steps.slice(index + 1), overrides), files);
    const result: SourceResult = { raw, source: location.fileSource, file, encrypted, parsed };
    const primary = first === undefined;
    first ??= result;
    for (const section of result.raw.values()) {
      for (const [key, value] of section.values) {
        const origin: Origin | undefined = primary ? undefined : { kind: 'ini', file, line: value.line! };
        set(
          merged,
          section.name,
          key,
          origin ? { value: value.value, origin } : value,
          primary ? section.line : undefined,
        );
      }
      if (section.values.size === 0)
        set(merged, section.name, undefined, undefined, primary ? section.line : undefined);
    }
    sources.push({ kind: 'ini', file, encrypted });
  }
  const collisions = caseCollisions(merged, first?.file ?? undefined);
  if (collisions.length > 0) throw new SecretsError(collisions);
  if (overrides !== undefined) applyValues(merged, overrides);
  return {
    raw: merged,
    source: first?.source ?? 'sources',
    file: first?.file ?? null,
    encrypted: first?.encrypted ?? false,
    parsed: first?.parsed ?? null,
    ...chosen,
    sources,
    warnings,
  };
}

/** The options given (an `undefined` one does not hide the top-level option). */
function definedOnly(options: Readonly<IniFileOptions>): IniFileOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as IniFileOptions;
}

/** Merges one source's sections. */
function mergeSourced(merged: RawSections, sections: SourceSections): void {
  for (const [name, values] of sections) {
    for (const [key, { value, origin }] of values) set(merged, name, key, { value, origin });
    if (values.size === 0) set(merged, name, undefined, undefined);
  }
}

/** How many values a source gave. */
function countValues(sections: SourceSections): number {
  let count = 0;
  for (const values of sections.values()) count += values.size;
  return count;
}

/** The keys that the later steps and `overrides` set: an INI file does not interpolate them. */
function replacedLater(
  later: readonly ({ kind: 'ini'; file: SecretsFile } | { kind: 'sourced'; sections: SourceSections })[],
  overrides: SectionValues | undefined,
): SectionValues {
  const skip: Record<string, Record<string, string>> = Object.create(null) as Record<string, Record<string, string>>;
  const add = (section: string, key: string): void => {
    (skip[section] ??= Object.create(null) as Record<string, string>)[key] = '';
  };
  for (const step of later) {
    if (step.kind === 'sourced') {
      for (const [section, values] of step.sections) for (const key of values.keys()) add(section, key);
    } else {
      for (const section of step.file.parsed.sections.values())
        for (const key of section.entries.keys()) add(section.name, key);
    }
  }
  for (const section of Object.keys(overrides ?? {}))
    for (const key of Object.keys(overrides![section])) add(section, key);
  return skip;
}

/** Sets one key (a later source wins), adding its section at the end when new. */
function set(
  merged: RawSections,
  sectionName: string,
  key: string | undefined,
  value: { value: string; line?: number; origin?: Origin } | undefined,
  line?: number,
): void {
  let section = merged.get(sectionName);
  if (!section) {
    section = { name: sectionName, ...(line === undefined ? {} : { line }), values: new Map() };
    merged.set(sectionName, section);
  } else if (section.line === undefined && line !== undefined) {
    // The first INI file's header line is where MISSING_KEY points.
    section = { ...section, line };
    merged.set(sectionName, section);
  }
  if (key !== undefined && value !== undefined) section.values.set(key, value);
}

/**
 * Sections, and keys of a section, that two sources spell differing only by
 * case (`db.password` in a directory, `[DB]` or `Password` in the file): as
 * within one file, a `DUPLICATE_SECTION` / `DUPLICATE_KEY`, since a DTO reads
 * one spelling and the other would be dropped silently rather than win.
 */
function caseCollisions(merged: RawSections, file: string | undefined): SecretsProblem[] {
  const problems: SecretsProblem[] = [];
  const where = (values: ReadonlyMap<string, RawValue>): { at: Origin | undefined } => {
    const first = values.values().next();
    return { at: first.done ? undefined : originOf(first.value, file) };
  };
  const sections = new Map<string, RawSection>();
  for (const section of merged.values()) {
    const id = section.name.toLowerCase();
    const earlier = sections.get(id);
    if (earlier) {
      const { at } = where(section.values);
      const other = where(earlier.values).at;
      problems.push({
        code: 'DUPLICATE_SECTION',
        ...(at ? problemLocation(at) : {}),
        section: section.name,
        message: `section name differs only by case from ${isPresentableName(earlier.name) ? `[${earlier.name}]` : 'the section'}${other ? ` of ${describeOrigin(other)}` : ''}`,
      });
      continue;
    }
    sections.set(id, section);
    const keys = new Map<string, string>();
    for (const [key, value] of section.values) {
      const earlierKey = keys.get(key.toLowerCase());
      if (earlierKey === undefined) {
        keys.set(key.toLowerCase(), key);
        continue;
      }
      const at = originOf(value, file);
      const other = originOf(section.values.get(earlierKey)!, file);
      problems.push({
        code: 'DUPLICATE_KEY',
        ...(at ? problemLocation(at) : {}),
        section: section.name,
        key,
        message: `key differs only by case from ${isPresentableName(earlierKey) ? `"${earlierKey}"` : 'the key'}${other ? ` of ${describeOrigin(other)}` : ''}`,
      });
    }
  }
  return problems;
}

/**
 * `knownSections(classes)`; its module (and the decorators' metadata it
 * reads) is loaded only when there are classes: `exec` and `keys` load none.
 */
async function known(classes: readonly Function[]): Promise<KnownSections> {
  if (classes.length === 0) return { sections: new Map() };
  const { knownSections } = await loadLazily(
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    () => require('../dto/known-sections.js') as typeof import('../dto/known-sections.js'),
    () => import('../dto/known-sections.js'),
  );
  return knownSections(classes);
}
