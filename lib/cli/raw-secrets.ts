/**
 * The first stages of the loader (locate → read/decrypt → parse →
 * interpolate) for commands that need every key of a file rather than DTO
 * instances: `check`, `keys` and `exec`. The same functions as
 * `loadSecrets`, with the same variables, so a file reads exactly as the app
 * reads it.
 *
 * One difference, shared by every command: `SECRETS_FILE` is not consulted,
 * since `--environment` and `--dir` name the file (see {@link commandEnv}).
 */
import { interpolate } from '../sources/interpolate';
import { locate, type Location } from '../sources/locate';
import type { ParsedFile, RawSections } from '../model';
import { parseIni } from '../sources/parse';
import { DEFAULT_MAX_FILE_SIZE, readSecrets } from '../sources/read';
import type { Environment } from '../environment-variables';

/**
 * The variables a command loads with: the process's, without `SECRETS_FILE`
 * (which would make every environment read one file).
 */
export function commandEnv(env: Environment): Environment {
  if (!Object.prototype.hasOwnProperty.call(env, 'SECRETS_FILE')) return env;
  const { SECRETS_FILE: _ignored, ...rest } = env;
  return rest;
}

export interface ParsedSecrets {
  readonly location: Location;
  /** Absolute path actually read (the `.age` file when one was decrypted). */
  readonly file: string;
  readonly encrypted: boolean;
  readonly parsed: ParsedFile;
}

/**
 * Locates, reads (decrypting in memory) and parses the file of `environment`
 * in `directory`, as `loadSecrets({ environment, directory, env })` does;
 * pass `env` through {@link commandEnv} first.
 *
 * @throws SecretsError as `loadSecrets` for those stages
 */
export async function readParsed(environment: string, directory: string, env: Environment): Promise<ParsedSecrets> {
  const location = locate({ environment, directory, env });
  const read = await readSecrets(location, { maxFileSize: DEFAULT_MAX_FILE_SIZE, env });
  return { location, file: read.file, encrypted: read.encrypted, parsed: parseIni(read.text, read.file) };
}

/**
 * Every section's final values, as `loadSecrets` computes them before the
 * DTOs are built.
 *
 * @throws SecretsError as `loadSecrets` for those stages (`UNSET_VARIABLE`…)
 */
export async function readRaw(
  environment: string,
  directory: string,
  env: Environment,
): Promise<ParsedSecrets & { raw: RawSections }> {
  const parsed = await readParsed(environment, directory, env);
  return { ...parsed, raw: interpolate(parsed.parsed, env, parsed.file) };
}
