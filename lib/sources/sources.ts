/**
 * The `sources` option: an ordered list of where secrets come from. The
 * factories only describe a source (plain frozen data, checked once);
 * `loadRawSecrets` reads them in order and merges per key, a later source
 * winning.
 */
import type { SecretsProblem } from '../errors';
import type { SecretsDirectoryOptions } from './secrets-directory';

/** The file-locating options an {@link iniFile} source takes; those not given come from the top-level options. */
export interface IniFileOptions {
  /** Environment name (also chooses `<environment>-secrets.ini`). */
  environment?: string;
  /** Variable that names the environment. */
  environmentVariable?: string;
  /** Directory of `<environment>-secrets.ini`. */
  directory?: string;
  /** Explicit path of the file (a path ending in `.age` is decrypted). */
  file?: string;
  /** Largest file accepted, in bytes. */
  maxFileSize?: number;
  /** age identities for an `.age` file. */
  identity?: string | readonly string[];
}

/** What {@link iniFile} returns. */
export interface IniFileSource {
  readonly kind: 'ini';
  readonly options: Readonly<IniFileOptions>;
}

/** Options of {@link secretsDirectory}: the limits of `readSecretsDirectory` (the environment is the loaded one). */
export type SecretsDirectorySourceOptions = Omit<SecretsDirectoryOptions, 'environment'>;

/** What {@link secretsDirectory} returns. */
export interface SecretsDirectorySource {
  readonly kind: 'directory';
  readonly path: string;
  readonly options: Readonly<SecretsDirectorySourceOptions>;
}

/** Options of {@link envOverrides}. */
export interface EnvOverridesOptions {
  /** Start of the variables' names, matched case-sensitively, e.g. `'SECRETS__'`. Required, non-empty. */
  prefix: string;
}

/** What {@link envOverrides} returns. */
export interface EnvOverridesSource {
  readonly kind: 'env';
  readonly prefix: string;
}

/** One entry of the `sources` option: what {@link iniFile}, {@link secretsDirectory} or {@link envOverrides} return. */
export type SecretsSourceDefinition = IniFileSource | SecretsDirectorySource | EnvOverridesSource;

/**
 * The environment's secrets INI file (or its `.age`), located as without
 * `sources`: `file`, else `SECRETS_FILE`, else
 * `<directory>/<environment>-secrets.ini`. Each option not given here comes
 * from the top-level option of the same name. `[iniFile()]` is the default
 * when `sources` is absent.
 *
 * @example
 * SecretsModule.forRoot({ sections, sources: [iniFile(), secretsDirectory('/etc/secrets')] });
 */
export function iniFile(options: IniFileOptions = {}): IniFileSource {
  return Object.freeze({ kind: 'ini', options: Object.freeze({ ...options }) });
}

/**
 * A directory with one value per file, as a Kubernetes Secret volume,
 * Docker's `/run/secrets` or a Vault Agent template lay them out:
 * `db.password` (split at the last dot) or `db/password` is key `password`
 * of section `db`; one trailing newline is stripped. A file directly in the
 * directory must be named `section.key` (a dotless name is a `SYNTAX`
 * error). Files readable by group or others are warned about
 * (`INSECURE_MODE`) outside `development` and `test`. See
 * `readSecretsDirectory` for every rule.
 *
 * @param path the directory (relative to `process.cwd()`).
 * @example
 * sources: [iniFile(), secretsDirectory('/run/secrets')]
 */
export function secretsDirectory(path: string, options: SecretsDirectorySourceOptions = {}): SecretsDirectorySource {
  return Object.freeze({ kind: 'directory', path, options: Object.freeze({ ...options }) });
}

/**
 * Environment variables `<prefix><SECTION>__<KEY>` each setting one key:
 * `SECRETS__FACEBOOK__CONSUMER_SECRET` sets `consumer_secret` of
 * `[facebook]`. Matched case-insensitively (every character other than a
 * letter or digit as `_`) against the keys the DTOs declare and the keys
 * earlier sources loaded; a variable matching two keys is `NAME_COLLISION`,
 * one matching none `UNKNOWN_KEY` unless its section allows unknown keys.
 * Reads the `env` option (default `process.env`).
 *
 * @example
 * sources: [iniFile(), envOverrides({ prefix: 'SECRETS__' })]
 */
export function envOverrides(options: EnvOverridesOptions): EnvOverridesSource {
  return Object.freeze({ kind: 'env', prefix: options?.prefix });
}

/** The default `sources`: today's behaviour. */
export const DEFAULT_SOURCES: readonly SecretsSourceDefinition[] = Object.freeze([iniFile()]);

const INI_STRING_OPTIONS = ['environment', 'environmentVariable', 'directory', 'file'] as const;
const DIRECTORY_LIMITS = ['maxFileSize', 'maxDirectorySize', 'maxEntries'] as const;

/**
 * `INVALID_OPTION` problems of a `sources` value, each naming the index
 * (`sources[1]`), never a value; none when it is valid.
 */
export function checkSources(sources: unknown): SecretsProblem[] {
  const problems: SecretsProblem[] = [];
  const invalid = (message: string): void => void problems.push({ code: 'INVALID_OPTION', message });
  if (!Array.isArray(sources)) {
    invalid('sources must be an array of iniFile(), secretsDirectory() and envOverrides()');
    return problems;
  }
  if (sources.length === 0) invalid('sources must not be empty');
  sources.forEach((source: unknown, index) => {
    const at = `sources[${index}]`;
    if (source === null || typeof source !== 'object') {
      invalid(`${at} must be what iniFile(), secretsDirectory() or envOverrides() returns`);
      return;
    }
    const given = source as Partial<Record<string, unknown>>;
    switch (given.kind) {
      case 'ini': {
        const options = given.options as Record<string, unknown> | undefined;
        if (options === null || typeof options !== 'object') {
          invalid(`${at}: iniFile options must be an object`);
          break;
        }
        for (const name of INI_STRING_OPTIONS) {
          if (options[name] !== undefined && typeof options[name] !== 'string')
            invalid(`${at}: ${name} must be a string`);
        }
        if (options.environmentVariable === '') invalid(`${at}: environmentVariable must not be empty`);
        if (options.maxFileSize !== undefined && !isPositiveInteger(options.maxFileSize)) {
          invalid(`${at}: maxFileSize must be a positive whole number of bytes`);
        }
        const identity = options.identity;
        if (
          identity !== undefined &&
          typeof identity !== 'string' &&
          !(Array.isArray(identity) && identity.every((i) => typeof i === 'string'))
        ) {
          invalid(`${at}: identity must be a string or an array of strings`);
        }
        break;
      }
      case 'directory': {
        if (typeof given.path !== 'string' || given.path === '')
          invalid(`${at}: the directory must be a non-empty path`);
        const options = given.options as Record<string, unknown> | undefined;
        if (options === null || typeof options !== 'object') {
          invalid(`${at}: secretsDirectory options must be an object`);
          break;
        }
        for (const name of DIRECTORY_LIMITS) {
          if (options[name] !== undefined && !isPositiveInteger(options[name])) {
            invalid(`${at}: ${name} must be a positive whole number`);
          }
        }
        break;
      }
      case 'env':
        if (typeof given.prefix !== 'string' || given.prefix === '') {
          invalid(`${at}: envOverrides needs a non-empty prefix, e.g. envOverrides({ prefix: 'SECRETS__' })`);
        }
        break;
      default:
        invalid(`${at} must be what iniFile(), secretsDirectory() or envOverrides() returns`);
    }
  });
  return problems;
}

function isPositiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** What one source read, for log lines and `Secrets.sources`: paths and names, never a value. */
export type SourceSummary =
  | {
      readonly kind: 'ini';
      /** Absolute path read (the `.age` file when decrypted). */
      readonly file: string;
      readonly encrypted: boolean;
    }
  | {
      readonly kind: 'directory';
      /** Absolute path of the directory. */
      readonly path: string;
      readonly layout: 'kubernetes' | 'plain';
      /** The `..<timestamp>.<random>` directory read, for the Kubernetes layout. */
      readonly version?: string;
      /** How many values it gave. */
      readonly keys: number;
    }
  | {
      readonly kind: 'env';
      readonly prefix: string;
      /** How many variables set a key. */
      readonly keys: number;
    }
  | { readonly kind: 'values' };

/** `/app/production-secrets.ini`, `/etc/secrets (directory)`, `SECRETS__* (variables)`, `the values option`. */
export function describeSource(summary: SourceSummary): string {
  switch (summary.kind) {
    case 'ini':
      return summary.file;
    case 'directory':
      return `${summary.path} (directory)`;
    case 'env':
      return `${summary.prefix}* (variables)`;
    case 'values':
      return 'the values option';
  }
}
