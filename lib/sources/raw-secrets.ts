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
import { knownSections } from '../dto/validate';
import type { Environment } from '../environment-variables';
import { isPresentableName, SecretsError, type SecretsProblem } from '../errors';
import type { RawSection, RawSections, RawValue } from '../model';
import { matchEnvOverrides } from './env-overrides';
import { fileSource } from './file-source';
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
 * @throws SecretsError of the first stage (of the first source) that
 *   failed: `INVALID_ENVIRONMENT`, the read, decryption, parse and
 *   interpolation codes, a secrets directory's and `envOverrides`' codes.
 */
export async function loadRawSecrets(options: RawSecretsOptions): Promise<RawSecrets> {
  const { env, overrides } = options;
  const chosen = chooseEnvironment(options);
  if (options.values !== undefined) {
    const result = valuesSource(options.values);
    if (overrides !== undefined) applyValues(result.raw, overrides);
    return { ...result, ...chosen, sources: [{ kind: 'values' }], warnings: [] };
  }

  const merged: RawSections = new Map();
  const sources: SourceSummary[] = [];
  const warnings: SecretsProblem[] = [];
  let first: SourceResult | undefined;
  for (const definition of options.sources ?? DEFAULT_SOURCES) {
    switch (definition.kind) {
      case 'ini': {
        const given = definedOnly(definition.options);
        const location = locate({ ...options, ...given, env });
        const result = await fileSource(location, {
          maxFileSize: given.maxFileSize ?? options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
          identity: given.identity ?? options.identity,
          env,
          overrides,
        });
        const primary = first === undefined;
        first ??= result;
        for (const section of result.raw.values()) {
          for (const [key, value] of section.values) {
            const origin: Origin | undefined = primary
              ? undefined
              : { kind: 'ini', file: result.file!, line: value.line! };
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
        sources.push({ kind: 'ini', file: result.file!, encrypted: result.encrypted });
        break;
      }
      case 'directory': {
        const read = await readSecretsDirectory(definition.path, {
          ...definition.options,
          environment: chosen.environment,
        });
        const keys = mergeSourced(merged, read.sections);
        warnings.push(...read.warnings);
        sources.push({
          kind: 'directory',
          path: path.resolve(definition.path),
          layout: read.layout,
          ...(read.version === undefined ? {} : { version: read.version }),
          keys,
        });
        break;
      }
      case 'env': {
        const read = matchEnvOverrides(env, definition.prefix, knownSections(options.sections ?? []), merged);
        sources.push({ kind: 'env', prefix: definition.prefix, keys: mergeSourced(merged, read.sections) });
        break;
      }
    }
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

/** Merges one source's sections; returns how many values it gave. */
function mergeSourced(merged: RawSections, sections: SourceSections): number {
  let count = 0;
  for (const [name, values] of sections) {
    for (const [key, { value, origin }] of values) {
      set(merged, name, key, { value, origin });
      count++;
    }
    if (values.size === 0) set(merged, name, undefined, undefined);
  }
  return count;
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
