/**
 * The front half of the pipeline, shared by `loadSecrets` (hence
 * `SecretsModule`) and every CLI command that reads secrets: options →
 * environment → one source → overrides → raw sections with their provenance.
 * The DTO stages (lib/dto) start from its result.
 *
 * A new source (a directory of mounted files, …) is a function returning a
 * {@link SourceResult}, chosen here.
 */
import type { Environment } from '../environment-variables';
import { fileSource } from './file-source';
import type { SectionValues } from './interpolate';
import { chooseEnvironment, locate, type EnvironmentSource } from './locate';
import { DEFAULT_MAX_FILE_SIZE } from './read';
import type { SourceResult } from './source';
import { applyValues, valuesSource } from './values-source';

/** The `loadSecrets` options that choose and read the source (already checked by `loadSecrets`). */
export interface RawSecretsOptions {
  environment?: string;
  environmentVariable?: string;
  directory?: string;
  file?: string;
  /** Variables for selection, interpolation and age identities. */
  env: Environment;
  overrides?: SectionValues;
  values?: SectionValues;
  /** Default {@link DEFAULT_MAX_FILE_SIZE}. */
  maxFileSize?: number;
  identity?: string | readonly string[];
}

/** Raw sections, where they came from, and the environment they belong to. */
export interface RawSecrets extends SourceResult {
  readonly environment: string;
  readonly environmentSource: EnvironmentSource;
}

/**
 * Chooses the environment and the source (`values` when given, else the
 * located file), reads it, then applies `overrides`.
 *
 * @throws SecretsError of the first stage that failed: `INVALID_ENVIRONMENT`,
 *   the read, decryption, parse and interpolation codes.
 */
export async function loadRawSecrets(options: RawSecretsOptions): Promise<RawSecrets> {
  const { env, overrides } = options;
  let result: SourceResult;
  let chosen: { environment: string; environmentSource: EnvironmentSource };
  if (options.values !== undefined) {
    chosen = chooseEnvironment(options);
    result = valuesSource(options.values);
  } else {
    const location = locate(options);
    chosen = location;
    result = await fileSource(location, {
      maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
      identity: options.identity,
      env,
      overrides,
    });
  }
  if (overrides !== undefined) applyValues(result.raw, overrides);
  return { ...result, environment: chosen.environment, environmentSource: chosen.environmentSource };
}
