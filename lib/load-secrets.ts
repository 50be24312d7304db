import { inspect } from 'node:util';
import { buildSections } from './dto/validate';
import type { Environment } from './environment-variables';
import { SecretsError, isPresentableName, type SecretsProblem } from './errors';
import { suggest } from './dto/suggest';
import { Masker } from './mask/masker';
import { secretValues } from './mask/secret-values';
import type { RawSections } from './model';
import { RESERVED_NAMES } from './reserved-names';
import type { SectionValues } from './sources/interpolate';
import type { EnvironmentSource } from './sources/locate';
import { loadRawSecrets, type RawSecrets } from './sources/raw-secrets';
import { originOf, describeOrigin } from './sources/origin';
import type { SecretsSource } from './sources/source';
import { checkSources, type SecretsSourceDefinition, type SourceSummary } from './sources/sources';

/** A DTO class decorated with `@SecretsSection`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SecretsClass<T = any> = abstract new (...args: any[]) => T;

/**
 * Options of {@link loadSecrets}. Every option is optional.
 */
export interface LoadSecretsOptions {
  /** DTO classes decorated with `@SecretsSection`; each becomes a validated instance. Default `[]`. */
  sections?: readonly SecretsClass[];
  /** Environment name; wins over the variable. Must match `[A-Za-z0-9][A-Za-z0-9_.-]*` without `..`. */
  environment?: string;
  /** Variable that names the environment when `environment` is not given. Default `'NODE_ENV'`. */
  environmentVariable?: string;
  /** Directory of `<environment>-secrets.ini`. Default `process.cwd()`. */
  directory?: string;
  /** Explicit path of the secrets file (relative to `process.cwd()`); wins over `SECRETS_FILE` and `directory`. A path ending in `.age` is decrypted. */
  file?: string;
  /** Variables used for selection, interpolation and age identities. Default `process.env`; pass `{}` in tests to isolate them from the machine. Never written to. */
  env?: Environment;
  /** Raw strings applied per key after parsing: they may add keys and sections; an overridden file value is not interpolated. */
  overrides?: SectionValues;
  /** When given, no file is read: these raw strings are the sections (`overrides` still apply on top). */
  values?: SectionValues;
  /** Largest file accepted, in bytes. Default 1 MiB (1,048,576). */
  maxFileSize?: number;
  /** age identities (`AGE-SECRET-KEY-1…`) for `.age` files; win over `SECRETS_AGE_KEY`, `SECRETS_AGE_KEY_FILE` and the default identity file. */
  identity?: string | readonly string[];
  /**
   * Where the secrets come from, in order: a later source wins per key, and
   * the DTOs validate the merged result. Entries are what {@link iniFile},
   * {@link secretsDirectory} and {@link envOverrides} return. Default
   * `[iniFile()]` (the environment's INI file, as without this option).
   * Ignored when `values` is given; `overrides` apply after every source.
   *
   * @example
   * sources: [iniFile(), secretsDirectory('/etc/secrets'), envOverrides({ prefix: 'SECRETS__' })]
   */
  sources?: readonly SecretsSourceDefinition[];
}

export type { SecretsSource };

const INSPECT = inspect.custom;

/**
 * The loaded secrets: validated DTO instances and every section's raw
 * (interpolated) strings. Printing it shows where the secrets came from and
 * the section names, never a value.
 */
export class Secrets {
  /** Absolute path of the file loaded (the `.age` file when decrypted); `null` when `values` was used. */
  readonly file: string | null;
  /** The environment name. */
  readonly environment: string;
  /** How the environment was chosen. */
  readonly environmentSource: EnvironmentSource;
  /** How the file was chosen, or `'values'`. */
  readonly source: SecretsSource;
  /** Whether the file was age-encrypted. */
  readonly encrypted: boolean;
  /** What each source read, in order (paths, prefixes and counts; never a value). Frozen. */
  readonly sources: readonly SourceSummary[];
  /** Problems that did not stop the load, e.g. `INSECURE_MODE` for a secrets directory's files readable by others. Frozen. */
  readonly warnings: readonly SecretsProblem[];
  readonly #raw: RawSections;
  readonly #instances: Map<SecretsClass, object | null>;
  // Built on the first mask() call: loading must not pay for it.
  #masker: Masker | undefined;
  /**
   * Secret values of the secrets this one replaced in a rotation: injected
   * DTOs and clients built at start-up still hold them, so they stay masked
   * for the life of the process.
   */
  #retired: ReadonlySet<string> = new Set();

  /** @internal Built by {@link loadSecrets}. */
  constructor(init: {
    file: string | null;
    environment: string;
    environmentSource: EnvironmentSource;
    source: SecretsSource;
    encrypted: boolean;
    sources: readonly SourceSummary[];
    warnings: readonly SecretsProblem[];
    raw: RawSections;
    instances: Map<SecretsClass, object | null>;
  }) {
    this.file = init.file;
    this.environment = init.environment;
    this.environmentSource = init.environmentSource;
    this.source = init.source;
    this.encrypted = init.encrypted;
    this.sources = Object.freeze(init.sources.map((summary) => Object.freeze({ ...summary })));
    this.warnings = Object.freeze(init.warnings.map((problem) => Object.freeze({ ...problem })));
    this.#raw = init.raw;
    this.#instances = init.instances;
    Object.freeze(this);
  }

  /** Names of every section, in file order (also sections no DTO claims). */
  get sectionNames(): string[] {
    return [...this.#raw.keys()];
  }

  /** The DTO classes that were loaded, in the order given. */
  get sectionClasses(): SecretsClass[] {
    return [...this.#instances.keys()];
  }

  /**
   * The validated, deeply frozen instance of `dto`: typed `T`, so strict
   * TypeScript needs no `!`. For a section declared
   * `@SecretsSection(name, { optional: true })` use
   * {@link Secrets.optionalSection}, typed `T | null`.
   *
   * @throws SecretsError `NOT_FOUND` when `dto` was not among the loaded
   *   sections, or when it is an optional section that is absent.
   */
  section<T>(dto: SecretsClass<T>): T {
    const instance = this.optionalSection(dto);
    if (instance === null) {
      throw new SecretsError([
        {
          code: 'NOT_FOUND',
          message: `${classLabel(dto)} is an optional section and is absent: read it with optionalSection(), which gives null`,
        },
      ]);
    }
    return instance;
  }

  /**
   * The validated, deeply frozen instance of `dto`, or `null` for an absent
   * optional section.
   *
   * @throws SecretsError `NOT_FOUND` when `dto` was not among the loaded sections.
   */
  optionalSection<T>(dto: SecretsClass<T>): T | null {
    if (!this.#instances.has(dto)) {
      throw new SecretsError([
        { code: 'NOT_FOUND', message: `${classLabel(dto)} was not loaded: add it to the sections option` },
      ]);
    }
    return this.#instances.get(dto) as T | null;
  }

  /**
   * The raw interpolated string at `'<section>.<key>'`, or `undefined`. The
   * path splits at its LAST dot (keys cannot contain dots, section names can):
   * `'authomatic.facebook.consumer_key'` is key `consumer_key` of section
   * `authomatic.facebook`.
   */
  get(path: string): string | undefined {
    const dot = typeof path === 'string' ? path.lastIndexOf('.') : -1;
    if (dot <= 0 || dot === path.length - 1) return undefined;
    return this.#raw.get(path.slice(0, dot))?.values.get(path.slice(dot + 1))?.value;
  }

  /**
   * Where the value at `'<section>.<key>'` came from, never the value:
   * `file:line` of an INI file, the path of a secrets directory's file,
   * `variable NAME` for `envOverrides`, `option` for the `values` /
   * `overrides` options; `undefined` when there is no such key. The path
   * splits as in {@link Secrets.get}.
   *
   * @example
   * secrets.origin('db.password'); // '/etc/secrets/db.password'
   * secrets.origin('api.token'); // 'variable SECRETS__API__TOKEN'
   */
  origin(path: string): string | undefined {
    const dot = typeof path === 'string' ? path.lastIndexOf('.') : -1;
    if (dot <= 0 || dot === path.length - 1) return undefined;
    const value = this.#raw.get(path.slice(0, dot))?.values.get(path.slice(dot + 1));
    if (value === undefined) return undefined;
    const origin = originOf(value, this.file);
    return origin ? describeOrigin(origin) : 'option';
  }

  /**
   * Like {@link Secrets.get}, but throws when absent.
   *
   * @throws SecretsError `NOT_FOUND` naming the path (and the file).
   */
  getOrThrow(path: string): string {
    const value = this.get(path);
    if (value === undefined) {
      const found = typeof path === 'string' ? path.lastIndexOf('.') : -1;
      const dot = found > 0 && found < path.length - 1 ? found : -1;
      const section = dot > 0 ? path.slice(0, dot) : undefined;
      const key = dot > 0 ? path.slice(dot + 1) : undefined;
      throw new SecretsError([
        {
          code: 'NOT_FOUND',
          file: this.file ?? undefined,
          section,
          key,
          message:
            dot > 0
              ? `no such secret ${JSON.stringify(path)}`
              : `${JSON.stringify(String(path))} is not a "<section>.<key>" path`,
        },
      ]);
    }
    return value;
  }

  /**
   * Validates more DTO classes against the same raw values (used by
   * `SecretsModule.forFeature`), returning a `Secrets` that holds both.
   *
   * @throws SecretsError as {@link loadSecrets} does for its sections.
   */
  async withSections(sections: readonly SecretsClass[]): Promise<Secrets> {
    const fresh = sections.filter((dto) => !this.#instances.has(dto));
    const built = await buildSections(fresh, this.#raw, this.file ?? undefined);
    return new Secrets({
      file: this.file,
      environment: this.environment,
      environmentSource: this.environmentSource,
      source: this.source,
      encrypted: this.encrypted,
      sources: this.sources,
      warnings: this.warnings,
      raw: this.#raw,
      instances: new Map([...this.#instances, ...built]),
    }).#withRetired(this.#retired);
  }

  #withRetired(retired: ReadonlySet<string>): this {
    this.#retired = retired;
    return this;
  }

  /**
   * `text` with every occurrence of every secret value replaced by
   * `[REDACTED]`; text without any is returned as is (the same string).
   *
   * Masked: every value of every section (also sections no DTO claims),
   * except values of keys that the loaded DTOs read only into `@NotSecret`
   * properties, and every string inside a loaded secret property that
   * differs from its raw value (what a `@Transform` derived). Values shorter
   * than 8 characters (`MASK_MIN_LENGTH`) are not masked: they would match
   * everywhere. Each value is also found in its common encodings: base64 and
   * base64url (with and without padding, also inside a longer base64 text
   * such as a `Basic` header), hex (lower and upper case),
   * `encodeURIComponent` (also as a form field and a URL's password), as
   * its bytes print (a Buffer, a byte array), JSON-escaped (as inside a JSON string) and as
   * `util.inspect` escapes it.
   *
   * The masker is built on the first call (so loading does not pay for it)
   * and kept; a `Secrets` from {@link Secrets.withSections} builds its own.
   *
   * @throws TypeError when `text` is not a string.
   * @example
   * pino({ hooks: { streamWrite: (line) => secrets.mask(line) } });
   */
  mask(text: string): string {
    if (typeof text !== 'string') throw new TypeError('mask(text): text must be a string');
    this.#masker ??= new Masker(this.#secretValues(), { extraForms: true });
    return this.#masker.mask(text);
  }

  /** Every value {@link Secrets.mask} masks: its own secret values and those of the secrets it replaced. */
  #secretValues(): string[] {
    const own = secretValues(this.#raw, this.#instances);
    return this.#retired.size === 0 ? own : [...new Set([...own, ...this.#retired])];
  }

  /**
   * @internal Called by a rotation before it makes this the current secrets:
   * `mask` also masks every value `previous` masked (values rotated out are
   * still held by the DTOs injected at start-up). Returns `this`.
   */
  retainMasking(previous: Secrets): this {
    this.#retired = new Set(previous.#secretValues());
    this.#masker = undefined;
    return this;
  }

  toJSON(): object {
    return { file: this.file, environment: this.environment, source: this.source, sections: this.sectionNames };
  }

  [INSPECT](): string {
    return `Secrets ${inspect(this.toJSON(), { breakLength: Infinity })}`;
  }
}

/** The name of `dto` for a message: its `name` when a non-empty string (a getter that throws is not run twice, nor shown). */
function classLabel(dto: unknown): string {
  try {
    const name = (dto as { name?: unknown } | null | undefined)?.name;
    return typeof name === 'string' && name ? name : 'this class';
  } catch {
    return 'this class';
  }
}

/**
 * Loads the environment's secrets: locate → read (decrypt) → parse →
 * interpolate → convert/validate. Never writes to `process.env` or `env`.
 *
 * @returns the {@link Secrets}, with one validated, frozen instance per DTO class.
 * @throws SecretsError listing every problem of the first stage that failed
 *   (see README "Error codes"); never a partial result.
 */
export async function loadSecrets(given: LoadSecretsOptions = {}): Promise<Secrets> {
  // Read every option once: a getter or Proxy must not change between check and use.
  const options = snapshotOptions(given);
  const raw = await loadRawSecrets({ ...options, env: options.env ?? process.env, sections: options.sections ?? [] });
  return buildSecrets(raw, options.sections ?? []);
}

/**
 * The back half of {@link loadSecrets}: validated DTO instances of
 * `sections` built from raw sections already read (by `loadRawSecrets`), so
 * that a caller needing both (`nest-secrets check`) reads each file once.
 *
 * @throws SecretsError as `loadSecrets` for the DTO stages
 */
export async function buildSecrets(raw: RawSecrets, sections: readonly SecretsClass[]): Promise<Secrets> {
  const instances = await buildSections(sections, raw.raw, raw.file ?? undefined);
  return new Secrets({
    file: raw.file,
    environment: raw.environment,
    environmentSource: raw.environmentSource,
    source: raw.source,
    encrypted: raw.encrypted,
    sources: raw.sources,
    warnings: raw.warnings,
    raw: raw.raw,
    instances,
  });
}

/**
 * A plain copy of the options, each read once, with `values`/`overrides`
 * copied to plain string maps; rejects shapes that would otherwise fail
 * obscurely later, never echoing a value. An option name it does not
 * know is `INVALID_OPTION` with the likely name among its own and
 * `alsoSuggest` (the options a caller took out before, e.g. `watch`).
 *
 * @throws SecretsError `INVALID_OPTION`, `RESERVED_NAME`
 * @internal exported for `watchSecrets` and `SecretsModule`, which load again on each change.
 */
export function snapshotOptions(given: LoadSecretsOptions, alsoSuggest: readonly string[] = []): LoadSecretsOptions {
  let options: LoadSecretsOptions;
  try {
    if (given === null || typeof given !== 'object' || Array.isArray(given)) throw new TypeError();
    const kind = notOptionsKind(given);
    if (kind) {
      throw new SecretsError([
        { code: 'INVALID_OPTION', message: `options must be a plain object of options; got ${kind}` },
      ]);
    }
    options = { ...given };
    for (const name of ['overrides', 'values'] as const) {
      const sections = options[name];
      if (sections === null || typeof sections !== 'object' || Array.isArray(sections)) continue;
      options[name] = Object.fromEntries(
        Object.entries(sections).map(([section, keys]) => [
          section,
          keys !== null && typeof keys === 'object' && !Array.isArray(keys) ? { ...keys } : keys,
        ]),
      );
    }
    if (Array.isArray(options.sections)) options.sections = [...options.sections];
    if (Array.isArray(options.sources)) options.sources = [...options.sources];
  } catch (error) {
    if (error instanceof SecretsError) throw error;
    throw new SecretsError([{ code: 'INVALID_OPTION', message: 'options must be a plain object of options' }]);
  }
  checkOptions(options, alsoSuggest);
  return options;
}

/**
 * What `given` is when it is an object that holds no options of its own: a
 * Promise (an options loader called without `await`) or a Map/Set (whose
 * entries are not properties), which a spread would turn into `{}`, loading
 * the default environment's file. `undefined` for any other object.
 *
 * @internal also used by `SecretsModule`
 */
export function notOptionsKind(given: object): string | undefined {
  if (typeof (given as { then?: unknown }).then === 'function') return 'a Promise (a missing await?)';
  if (given instanceof Map) return 'a Map';
  if (given instanceof Set) return 'a Set';
  return undefined;
}

/**
 * Every option {@link loadSecrets} takes (the `satisfies` keeps the list
 * complete). A name outside it is a misspelling more often than not: an
 * `enviroment: 'production'` that went unnoticed would load development's
 * secrets in production.
 */
const LOAD_OPTION_NAMES = Object.keys({
  sections: true,
  environment: true,
  environmentVariable: true,
  directory: true,
  file: true,
  env: true,
  overrides: true,
  values: true,
  maxFileSize: true,
  identity: true,
  sources: true,
} satisfies Record<keyof LoadSecretsOptions, true>);
const KNOWN_OPTIONS: ReadonlySet<string> = new Set(LOAD_OPTION_NAMES);

/** `INVALID_OPTION` for each option name that `loadSecrets` does not take, with the likely one; never a value. */
function unknownOptions(options: object, alsoSuggest: readonly string[]): SecretsProblem[] {
  const problems: SecretsProblem[] = [];
  for (const name of Object.keys(options)) {
    if (KNOWN_OPTIONS.has(name)) continue;
    if (!isPresentableName(name)) {
      problems.push({
        code: 'INVALID_OPTION',
        message: 'unknown option (its name is not shown: it looks like a value)',
      });
      continue;
    }
    const likely = suggest(name, [...LOAD_OPTION_NAMES, ...alsoSuggest]);
    problems.push({
      code: 'INVALID_OPTION',
      message: `unknown option "${name}"${likely ? ` (did you mean "${likely}"?)` : ''}`,
    });
  }
  return problems;
}

function checkOptions(options: LoadSecretsOptions, alsoSuggest: readonly string[]): void {
  const problems: SecretsProblem[] = unknownOptions(options, alsoSuggest);
  const invalid = (message: string): void => void problems.push({ code: 'INVALID_OPTION', message });
  if (options.sections !== undefined) {
    if (!Array.isArray(options.sections)) invalid('sections must be an array of DTO classes');
    else if (options.sections.some((s) => typeof s !== 'function')) invalid('sections must contain only classes');
  }
  for (const name of ['environment', 'environmentVariable', 'directory', 'file'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'string') invalid(`${name} must be a string`);
  }
  if (options.environmentVariable === '') invalid('environmentVariable must not be empty');
  if (options.maxFileSize !== undefined && !(Number.isSafeInteger(options.maxFileSize) && options.maxFileSize > 0)) {
    invalid('maxFileSize must be a positive whole number of bytes');
  }
  if (options.env !== undefined && (typeof options.env !== 'object' || options.env === null)) {
    invalid('env must be an object of variables');
  }
  for (const name of ['overrides', 'values'] as const) {
    const given = options[name];
    if (given === undefined) continue;
    if (typeof given !== 'object' || given === null || Array.isArray(given)) {
      invalid(`${name} must be an object of sections`);
      continue;
    }
    for (const [sectionName, keys] of Object.entries(given)) {
      // A section name that looks like a value (a pasted token) is not shown.
      const section = isPresentableName(sectionName) ? sectionName : undefined;
      if (RESERVED_NAMES.has(sectionName)) {
        problems.push({ code: 'RESERVED_NAME', section, message: `${name}: "${section}" is a reserved name` });
        continue;
      }
      if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
        problems.push({ code: 'INVALID_OPTION', section, message: `${name}: a section must be an object of keys` });
        continue;
      }
      for (const [key, value] of Object.entries(keys)) {
        if (RESERVED_NAMES.has(key)) {
          problems.push({ code: 'RESERVED_NAME', section, key, message: `${name}: "${key}" is a reserved name` });
        } else if (typeof value !== 'string') {
          problems.push({
            code: 'INVALID_OPTION',
            section,
            key,
            message: `${name}: values must be strings (got ${value === null ? 'null' : typeof value})`,
          });
        }
      }
    }
  }
  if (options.sources !== undefined) problems.push(...checkSources(options.sources));
  if (problems.length) throw new SecretsError(problems);
}
