/**
 * The front half of the loader (lib/sources/raw-secrets.ts) for commands that
 * need every key of a file rather than DTO instances: `check`, `keys` and
 * `exec`. The same functions as `loadSecrets`, with the same variables, so a
 * file reads exactly as the app reads it.
 *
 * One difference, shared by every command: `SECRETS_FILE` is not consulted,
 * since `--environment` and `--dir` name the file (see {@link commandEnv}).
 */
import * as path from 'node:path';
import type { Environment } from '../environment-variables';
import { readSecretsFile, type SecretsFile } from '../sources/file-source';
import { locate } from '../sources/locate';
import { DEFAULT_MAX_FILE_SIZE } from '../sources/read';
import { envOverrides, iniFile, secretsDirectory, type SecretsSourceDefinition } from '../sources/sources';
import type { CliContext } from './context';
import type { CommandOptions } from './options';

/**
 * The variables a command loads with: the process's, without `SECRETS_FILE`
 * (which would make every environment read one file).
 */
export function commandEnv(env: Environment): Environment {
  if (!Object.prototype.hasOwnProperty.call(env, 'SECRETS_FILE')) return env;
  const { SECRETS_FILE: _ignored, ...rest } = env;
  return rest;
}

/**
 * Locates, reads (decrypting in memory) and parses the file of `environment`
 * in `directory`, as `loadSecrets({ environment, directory, env })` does;
 * pass `env` through {@link commandEnv} first.
 *
 * @throws SecretsError as `loadSecrets` for those stages
 */
export async function readParsed(environment: string, directory: string, env: Environment): Promise<SecretsFile> {
  return readSecretsFile(locate({ environment, directory, env }), { maxFileSize: DEFAULT_MAX_FILE_SIZE, env });
}

/**
 * The sources of `--secrets-dir` (repeatable) and `--env-prefix`, in the
 * order the app would list them: the INI file, each directory (relative to
 * the working directory) in the order given, then the variables.
 */
export function commandSources(
  ctx: CliContext,
  options: Pick<CommandOptions, 'secretsDir' | 'envPrefix'>,
): SecretsSourceDefinition[] {
  return [
    iniFile(),
    ...(options.secretsDir ?? []).map((dir) => secretsDirectory(path.resolve(ctx.cwd, dir))),
    ...(options.envPrefix === undefined ? [] : [envOverrides({ prefix: options.envPrefix })]),
  ];
}
