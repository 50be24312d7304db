/**
 * `nestjs-ini-secrets/core`: the loader without Nest. Everything a Node
 * script, a serverless function or a DTO file needs — `loadSecrets`,
 * `Secrets`, the decorators, `SecretsError`, the sources, `reveal`,
 * `watchSecrets`, the provider DTOs — and no `@nestjs/*` or `rxjs` module
 * (rxjs is required when a watch starts). The package root re-exports all of
 * it, so both entries hand out the same classes and decorators.
 */
export { SecretsError, SECRETS_ERROR_CODES, formatProblem } from './errors';
export type { SecretsErrorCode, SecretsProblem } from './errors';
export { SecretsSection, NotSecret } from './dto/decorators';
export type { SecretsSectionOptions } from './dto/decorators';
export { loadSecrets, Secrets } from './load-secrets';
export type { LoadSecretsOptions, SecretsClass, SecretsSource } from './load-secrets';
export type { SectionValues } from './sources/interpolate';
export { iniFile, secretsDirectory, envOverrides, describeSource } from './sources/sources';
export type {
  IniFileOptions,
  IniFileSource,
  SecretsDirectorySource,
  SecretsDirectorySourceOptions,
  EnvOverridesOptions,
  EnvOverridesSource,
  SecretsSourceDefinition,
  SourceSummary,
} from './sources/sources';
export type { Origin } from './sources/origin';
export type { Environment } from './environment-variables';
export type { EnvironmentSource, FileSource } from './sources/locate';
export { DEFAULT_ENVIRONMENT, DEFAULT_ENVIRONMENT_VARIABLE } from './sources/locate';
export { DEFAULT_MAX_FILE_SIZE } from './sources/read';
export { REDACTED } from './dto/redact';
export { MASK_MIN_LENGTH } from './mask/masker';
export { reveal } from './dto/reveal';
export type { Revealed } from './dto/reveal';
export { watchSecrets } from './watch-secrets';
export type { SecretsChange, SecretsWatchOptions, WatchedSecrets, WatchSecretsOptions } from './watch-secrets';
export {
  OAuth1ProviderSecrets,
  OAuth2ProviderSecrets,
  type OAuth1PassportOptions,
  type OAuth2PassportOptions,
} from './providers/oauth-provider.secrets';
export type {
  CheckReport,
  CheckedEnvironment,
  KeysReport,
  ListedSection,
  ListedKey,
  KeyOrigin,
  LaterSource,
  ReferencedVariable,
  ReportedProblem,
} from './cli/json-report';
