import * as path from 'node:path';
import { SecretsError } from '../errors';
import { ownString, type Environment } from '../environment-variables';

/**
 * How the environment name was chosen: the `environment` option, the
 * selecting variable (named in `variable`), or the `'development'` default.
 */
export type EnvironmentSource =
  { readonly kind: 'option' } | { readonly kind: 'variable'; readonly variable: string } | { readonly kind: 'default' };

/**
 * How the file was chosen: the `file` option, the `SECRETS_FILE` variable, or
 * derived as `<directory>/<environment>-secrets.ini`.
 */
export type FileSource = 'option' | 'SECRETS_FILE' | 'derived';

export interface LocateOptions {
  environment?: string;
  environmentVariable?: string;
  directory?: string;
  file?: string;
  env: Environment;
}

export interface Location {
  readonly environment: string;
  readonly environmentSource: EnvironmentSource;
  /** Absolute path of the plaintext file to try first. */
  readonly file: string;
  readonly fileSource: FileSource;
}

/** The default of `environmentVariable`. */
export const DEFAULT_ENVIRONMENT_VARIABLE = 'NODE_ENV';
/** The environment used when neither the option nor the variable names one. */
export const DEFAULT_ENVIRONMENT = 'development';

/**
 * Environments whose files may hold development values and placeholders and
 * may be readable by others: no file-mode warning when loading, no
 * placeholder error in `check`; every other one should be encrypted.
 */
export const LOCAL_ENVIRONMENTS: ReadonlySet<string> = new Set(['development', 'test']);

/** Whether `environment` is one of {@link LOCAL_ENVIRONMENTS}. */
export function isLocalEnvironment(environment: string): boolean {
  return LOCAL_ENVIRONMENTS.has(environment);
}

// Environment names end up in file names: keep them to one harmless path segment.
const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Human wording of an {@link EnvironmentSource}, e.g. `chosen by NODE_ENV`. */
export function describeEnvironmentSource(source: EnvironmentSource): string {
  switch (source.kind) {
    case 'option':
      return 'set by the environment option';
    case 'variable':
      return `chosen by ${source.variable}`;
    case 'default':
      return 'by default';
  }
}

/** Human wording of a {@link FileSource}. */
export function describeFileSource(source: FileSource): string {
  switch (source) {
    case 'option':
      return 'set by the file option';
    case 'SECRETS_FILE':
      return 'set by SECRETS_FILE';
    case 'derived':
      return 'derived from the environment name';
  }
}

/**
 * Chooses the environment name: `options.environment`, else
 * `env[environmentVariable]` when non-empty, else `'development'`.
 *
 * @throws SecretsError `INVALID_ENVIRONMENT` when the name does not match
 *   `[A-Za-z0-9][A-Za-z0-9_.-]*` or contains `..`.
 */
export function chooseEnvironment(options: Pick<LocateOptions, 'environment' | 'environmentVariable' | 'env'>): {
  environment: string;
  environmentSource: EnvironmentSource;
} {
  const variable = options.environmentVariable ?? DEFAULT_ENVIRONMENT_VARIABLE;
  let environment: string;
  let environmentSource: EnvironmentSource;
  const fromEnv = ownString(options.env, variable);
  if (options.environment !== undefined) {
    environment = options.environment;
    environmentSource = { kind: 'option' };
  } else if (fromEnv) {
    environment = fromEnv;
    environmentSource = { kind: 'variable', variable };
  } else {
    environment = DEFAULT_ENVIRONMENT;
    environmentSource = { kind: 'default' };
  }
  if (typeof environment !== 'string' || !ENVIRONMENT_NAME.test(environment) || environment.includes('..')) {
    throw new SecretsError([
      {
        code: 'INVALID_ENVIRONMENT',
        message:
          `environment name ${JSON.stringify(String(environment))} (${describeEnvironmentSource(environmentSource)}) is invalid: ` +
          'use letters, digits, "_", "." and "-", starting with a letter or digit, without ".."',
      },
    ]);
  }
  return { environment, environmentSource };
}

/**
 * Chooses the secrets file: `options.file`, else `env.SECRETS_FILE` when
 * non-empty, else `<directory>/<environment>-secrets.ini` (directory defaults
 * to `process.cwd()`). Relative paths resolve against `process.cwd()`. Pure:
 * touches no file.
 *
 * @throws SecretsError `INVALID_ENVIRONMENT` (see {@link chooseEnvironment}),
 *   also when the file is explicit.
 */
export function locate(options: LocateOptions): Location {
  const { environment, environmentSource } = chooseEnvironment(options);
  const fromEnv = ownString(options.env, 'SECRETS_FILE');
  let file: string;
  let fileSource: FileSource;
  if (options.file !== undefined) {
    file = path.resolve(options.file);
    fileSource = 'option';
  } else if (fromEnv) {
    file = path.resolve(fromEnv);
    fileSource = 'SECRETS_FILE';
  } else {
    file = path.resolve(options.directory ?? process.cwd(), `${environment}-secrets.ini`);
    fileSource = 'derived';
  }
  return { environment, environmentSource, file, fileSource };
}

/**
 * The location of a file a CLI command names itself (`decrypt`, `edit`,
 * `recipients`): used exactly, as the `file` option is, and so described in
 * problems, with `environment` as if set by the `environment` option.
 *
 * @param file absolute path
 */
export function locateFile(file: string, environment: string): Location {
  return { environment, environmentSource: { kind: 'option' }, file, fileSource: 'option' };
}
