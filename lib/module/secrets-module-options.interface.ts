import type { LoggerService, ModuleMetadata } from '@nestjs/common';
import type { LoadSecretsOptions, SecretsClass } from '../load-secrets';

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
