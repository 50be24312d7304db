import type {
  InjectionToken,
  LoggerService,
  ModuleMetadata,
  OptionalFactoryDependency,
  Provider,
  Type,
} from '@nestjs/common';
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
 * A class that makes the options for `forRootAsync({ useClass })` or
 * `forRootAsync({ useExisting })`, as `@nestjs/jwt`'s `JwtOptionsFactory`.
 */
export interface SecretsOptionsFactory {
  createSecretsOptions(): SecretsModuleDynamicOptions | Promise<SecretsModuleDynamicOptions>;
}

/**
 * Options of `SecretsModule.forRootAsync`, as Nest's own modules take them.
 * `sections` and `isGlobal` are static because Nest must know the provider
 * tokens before DI runs; the other options come from exactly one of:
 *
 * - `useFactory` (its arguments are the `inject` tokens),
 * - `useClass`: a {@link SecretsOptionsFactory} instantiated for the module,
 * - `useExisting`: a {@link SecretsOptionsFactory} provider already available
 *   (from `imports` or a global module).
 *
 * `extraProviders` are added to the module that resolves the options, e.g.
 * what `useFactory` injects.
 */
export interface SecretsModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  sections?: readonly SecretsClass[];
  isGlobal?: boolean;
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  useFactory?: (...args: any[]) => SecretsModuleDynamicOptions | Promise<SecretsModuleDynamicOptions>;
  useClass?: Type<SecretsOptionsFactory>;
  useExisting?: Type<SecretsOptionsFactory> | InjectionToken;
  extraProviders?: Provider[];
}
