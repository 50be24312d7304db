import type { LoggerService, ModuleMetadata } from '@nestjs/common';
import type { LoadSecretsOptions, SecretsClass } from '../load-secrets';
import type { SecretsWatchOptions } from '../watch-secrets';

/**
 * Options of `SecretsModule.forRoot`: every {@link LoadSecretsOptions} option, plus:
 */
export interface SecretsModuleOptions extends LoadSecretsOptions {
  /** Register the section providers and `SecretsService` in every module. Default `true`. */
  isGlobal?: boolean;
  /**
   * Where the start-up line goes: `true` (default) logs through Nest's
   * `Logger` with context `SecretsModule`; `false` logs nothing; or a logger
   * of your own.
   */
  logger?: boolean | LoggerService;
  /**
   * Follow the sources: `true` (events, 100 ms debounce) or
   * {@link SecretsWatchOptions} (`debounceMs`, `pollIntervalMs`). Every file
   * read is watched; after a change settles every source is read again and
   * validated, and the result replaces the secrets that `SecretsService`
   * answers from, as a whole; a failed update keeps the last good ones and
   * logs one line. Injected DTO instances stay the start-up snapshot.
   * Default `false`.
   */
  watch?: boolean | SecretsWatchOptions;
}

/** The options `forRootAsync`'s factory resolves: everything but `sections` and `isGlobal`. */
export type SecretsModuleDynamicOptions = Omit<SecretsModuleOptions, 'sections' | 'isGlobal'>;

/**
 * Options of `SecretsModule.forRootAsync`. `sections` and `isGlobal` are
 * static because Nest must know the provider tokens before DI runs; the other
 * options come from `useFactory`, whose arguments are the `inject` tokens.
 */
export interface SecretsModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  sections?: readonly SecretsClass[];
  isGlobal?: boolean;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inject?: any[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  useFactory: (...args: any[]) => SecretsModuleDynamicOptions | Promise<SecretsModuleDynamicOptions>;
}
