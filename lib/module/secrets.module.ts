import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnModuleDestroy,
  type Provider,
} from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { promises as fs } from 'node:fs';
import type { Secrets, SecretsClass } from '../load-secrets';
import { notOptionsKind } from '../load-secrets';
import { errorName, formatProblem, isPresentableName, SecretsError } from '../errors';
import { loadRepeatably, resolveWatchOption, startRotation, type SecretsChange } from '../watch-secrets';
import { describeEnvironmentSource, describeFileSource, isLocalEnvironment } from '../sources/locate';
import { describeSource } from '../sources/sources';
import { SECRETS_LOGGER_CONTEXT, SECRETS_MODULE_OPTIONS, SECRETS_STATE } from './secrets.constants';
import type {
  SecretsModuleAsyncOptions,
  SecretsModuleDynamicOptions,
  SecretsModuleOptions,
  SecretsOptionsFactory,
} from './secrets-module-options.interface';
import { requireState, SecretsState } from './secrets-state';
import { SecretsLogger } from './secrets.logger';
import { SecretsService } from './secrets.service';

/** Holds the one loading provider of an application; always global so `forFeature` finds it. */
@Module({})
class SecretsCoreModule {}

// Each forRoot call gets its own id so that two calls never merge into one
// module: a second forRoot must be seen, and refused.
let rootCount = 0;

/**
 * Typed, validated secrets from the environment's secrets INI file.
 *
 * `forRoot` loads the file once at start-up (the application does not start
 * when loading fails, and the `SecretsError` message is what the user sees);
 * each DTO class is then its own provider token, so
 * `constructor(facebook: FacebookSecrets)` and
 * `overrideProvider(FacebookSecrets)` work. It never writes to `process.env`.
 */
@Module({})
export class SecretsModule {
  /**
   * Loads the secrets with {@link SecretsModuleOptions} (every `loadSecrets`
   * option plus `isGlobal`, default `true`, `logger`, default on, and
   * `watch`, default off: follow the files and swap in each update that
   * loads; see `SecretsService.changes`).
   * Call it once per application; feature modules use {@link SecretsModule.forFeature}.
   * Provides (and exports) each section's DTO, `SecretsService` and
   * `SecretsLogger` (masking, around Nest's `ConsoleLogger`).
   */
  static forRoot(options: SecretsModuleOptions = {}): DynamicModule {
    const { isGlobal, sections, ...rest } = checkedModuleOptions(options, 'SecretsModule.forRoot() takes');
    return SecretsModule.root(sections ?? [], isGlobal ?? true, {
      provide: SECRETS_MODULE_OPTIONS,
      useValue: rest,
    });
  }

  /**
   * Like {@link SecretsModule.forRoot}, with every option but `sections` and
   * `isGlobal` resolved through DI: by `useFactory` (arguments: the `inject`
   * tokens), `useClass` or `useExisting` (a `SecretsOptionsFactory`), as
   * Nest's own modules take them; `extraProviders` join the module.
   *
   * @throws SecretsError `INVALID_OPTION` when not exactly one of
   *   `useFactory`, `useClass` and `useExisting` is given.
   */
  static forRootAsync(options: SecretsModuleAsyncOptions): DynamicModule {
    return SecretsModule.root(
      options.sections ?? [],
      options.isGlobal ?? true,
      asyncOptionsProviders(options),
      options.imports ?? [],
    );
  }

  /**
   * Registers more sections from a feature module: loaded from the same file
   * as `forRoot` and validated at start-up with the same rules, together
   * with the root's sections (one `SecretsError` lists every problem). A
   * feature module loaded lazily validates its sections when it loads, and
   * reports their problems in its own `SecretsError`.
   */
  static forFeature(sections: readonly SecretsClass[]): DynamicModule {
    const loaded = Symbol(`nestjs-ini-secrets:feature(${sections.map((s) => s.name).join(',')})`);
    return {
      module: SecretsModule,
      providers: [
        { provide: FEATURE_SECTIONS, useValue: sections },
        {
          provide: loaded,
          inject: [{ token: SECRETS_STATE, optional: true }],
          useFactory: async (state: SecretsState | undefined) => {
            await requireState(state).add(sections);
            return true;
          },
        },
        ...sectionProviders(sections, [loaded]),
        SecretsService,
      ],
      exports: [...sections, SecretsService],
    };
  }

  private static root(
    sections: readonly SecretsClass[],
    isGlobal: boolean,
    optionsProvider: Provider | Provider[],
    imports: DynamicModule['imports'] = [],
  ): DynamicModule {
    const id = ++rootCount;
    const core: DynamicModule = {
      module: SecretsCoreModule,
      global: true,
      imports,
      providers: [
        ...[optionsProvider].flat(),
        { provide: ROOT_ID, useValue: id },
        {
          provide: SECRETS_STATE,
          inject: [SECRETS_MODULE_OPTIONS, ModulesContainer],
          useFactory: async (options: SecretsModuleDynamicOptions, modules: ModulesContainer) => {
            assertSingleRoot(modules);
            const { logger, watch, ...loadOptions } = checkedModuleOptions(
              options,
              "SecretsModule.forRootAsync()'s useFactory must return",
            );
            const watchOptions = resolveWatchOption(watch);
            const all = new Set([...sections, ...featureSections(modules)]);
            const first = await loadRepeatably({ ...loadOptions, sections: [...all] }, MODULE_OPTION_NAMES);
            const log = resolveLogger(logger);
            await logLoaded(first.secrets, log);
            const state = new SecretsState(first.secrets);
            if (watchOptions) {
              state.watch(
                startRotation(first, state, watchOptions, (change) => {
                  logChange(change, state.current, log);
                  state.report(change);
                }),
              );
            }
            return state;
          },
        },
        SecretsShutdown,
      ],
      exports: [SECRETS_STATE],
    };
    return {
      module: SecretsModule,
      global: isGlobal,
      imports: [core],
      providers: [
        ...sectionProviders(sections, []),
        SecretsService,
        { provide: SecretsLogger, inject: [SecretsService], useFactory: (s: SecretsService) => new SecretsLogger(s) },
      ],
      exports: [...sections, SecretsService, SecretsLogger],
    };
  }
}

/**
 * Closes the watcher and completes `SecretsService.changes` when the
 * application closes (`app.close()`), so that nothing of ours is left
 * running in a process whose app is gone.
 */
@Injectable()
class SecretsShutdown implements OnModuleDestroy {
  constructor(@Inject(SECRETS_STATE) private readonly state: SecretsState) {}

  // The first hook of `close()`: no reload starts while other modules are torn down.
  onModuleDestroy(): void {
    this.state.close();
  }
}

const ROOT_ID = Symbol('nestjs-ini-secrets:root');
const FEATURE_SECTIONS = Symbol('nestjs-ini-secrets:feature-sections');

/**
 * The sections of every forFeature module already in the application: the
 * root validates them together with its own, so that keys a feature DTO
 * declares are not unknown to the root, and every problem shows at once.
 * (A lazily loaded feature module validates its sections when it loads.)
 */
function featureSections(modules: ModulesContainer): SecretsClass[] {
  const found: SecretsClass[] = [];
  for (const module of modules.values()) {
    const wrapper = module.providers.get(FEATURE_SECTIONS);
    if (wrapper && Array.isArray(wrapper.instance)) found.push(...(wrapper.instance as SecretsClass[]));
  }
  return found;
}

/** One provider per DTO class, under the class itself as token. */
function sectionProviders(sections: readonly SecretsClass[], after: symbol[]): Provider[] {
  return sections.map((dto) => ({
    provide: dto,
    inject: [{ token: SECRETS_STATE, optional: true }, ...after],
    useFactory: (state: SecretsState | undefined) => requireState(state).current.optionalSection(dto),
  }));
}

/** Counts forRoot modules in this application only (never process-wide state). */
function assertSingleRoot(modules: ModulesContainer): void {
  let count = 0;
  for (const module of modules.values()) if (module.providers.has(ROOT_ID)) count++;
  if (count > 1) {
    throw new Error(
      `SecretsModule.forRoot() is imported ${count} times in this application: call forRoot once, ` +
        'in the root module, and use SecretsModule.forFeature([...]) in feature modules',
    );
  }
}

/** Where the start-up and reload lines go; the context is always `SecretsModule`. */
interface StartupLog {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

function resolveLogger(logger: SecretsModuleOptions['logger']): StartupLog | undefined {
  if (logger === false) return undefined;
  // Nest's Logger carries its context; a LoggerService takes it as the last argument.
  if (logger === undefined || logger === true) return new Logger(SECRETS_LOGGER_CONTEXT);
  return {
    log: (message) => logger.log(message, SECRETS_LOGGER_CONTEXT),
    warn: (message) => logger.warn(message, SECRETS_LOGGER_CONTEXT),
    error: (message) => logger.error(message, SECRETS_LOGGER_CONTEXT),
  };
}

/**
 * One line per update: the sections that changed (names only, as at
 * start-up), or the `SecretsError` message of an update that failed.
 */
function logChange(change: SecretsChange, current: Secrets, logger: StartupLog | undefined): void {
  if (!logger) return;
  if (change.type === 'failed') {
    logger.error(`Secrets not reloaded, keeping the last good ones: ${change.error.message}`);
    return;
  }
  const names = change.sections.filter(isPresentableName);
  const hidden = change.sections.length - names.length;
  const listed = [...names, ...(hidden ? [`${hidden} not shown`] : [])];
  const count = change.sections.length;
  logger.log(
    `Reloaded secrets from ${current.sources.map(describeSource).join(', ')}: ${count} section${count === 1 ? '' : 's'} changed` +
      (listed.length ? ` (${listed.join(', ')})` : ''),
  );
}

/** The providers that resolve `forRootAsync`'s options, from exactly one of its three forms. */
function asyncOptionsProviders(options: SecretsModuleAsyncOptions): Provider[] {
  const given = (['useFactory', 'useClass', 'useExisting'] as const).filter((name) => options[name] !== undefined);
  if (given.length !== 1) {
    throw new SecretsError([
      {
        code: 'INVALID_OPTION',
        message: `SecretsModule.forRootAsync() takes exactly one of useFactory, useClass and useExisting; got ${given.length ? given.join(' and ') : 'none'}`,
      },
    ]);
  }
  const extra = options.extraProviders ?? [];
  if (options.useFactory) {
    const useFactory = options.useFactory;
    return [
      {
        provide: SECRETS_MODULE_OPTIONS,
        useFactory: (...args: unknown[]) => guarded("forRootAsync()'s useFactory", () => useFactory(...args)),
        inject: options.inject ?? [],
      },
      ...extra,
    ];
  }
  const create = (factory: SecretsOptionsFactory) =>
    guarded(`${factory.constructor?.name || 'the factory'}.createSecretsOptions()`, () =>
      factory.createSecretsOptions(),
    );
  if (options.useClass) {
    return [
      { provide: options.useClass, useClass: options.useClass },
      { provide: SECRETS_MODULE_OPTIONS, useFactory: create, inject: [options.useClass] },
      ...extra,
    ];
  }
  return [{ provide: SECRETS_MODULE_OPTIONS, useFactory: create, inject: [options.useExisting!] }, ...extra];
}

/**
 * What `make` returns or resolves to; a throw other than a `SecretsError`
 * becomes `INVALID_OPTION` naming `what` and the error's class, never its
 * message (an options factory's error may quote a secret it read).
 */
async function guarded<T>(what: string, make: () => T | Promise<T>): Promise<T> {
  try {
    return await make();
  } catch (error) {
    if (error instanceof SecretsError) throw error;
    throw new SecretsError([
      {
        code: 'INVALID_OPTION',
        message: `SecretsModule: ${what} threw ${errorName(error)} (its message is not shown: it may quote a value)`,
      },
    ]);
  }
}

/** The options only the module takes, for the did-you-mean of an unknown option. */
const MODULE_OPTION_NAMES = ['isGlobal', 'logger', 'watch', 'sections'];

/**
 * `options` when it is an object of options; otherwise `INVALID_OPTION`
 * naming what it is, never its value (a factory that forgot its `return`
 * would otherwise load the default environment's file).
 */
function checkedModuleOptions<T extends object>(options: T, takes: string): T {
  const kind = options !== null && typeof options === 'object' ? notOptionsKind(options) : undefined;
  if (options !== null && typeof options === 'object' && !Array.isArray(options) && !kind) {
    try {
      // Each option read once, here: a getter that throws must not show its message.
      return { ...options };
    } catch (error) {
      throw new SecretsError([
        {
          code: 'INVALID_OPTION',
          message: `${takes} an object of options; reading it threw ${errorName(error)} (its message is not shown: it may quote a value)`,
        },
      ]);
    }
  }
  const got =
    kind ??
    (options === undefined
      ? 'undefined (a missing return?)'
      : options === null
        ? 'null'
        : Array.isArray(options)
          ? 'an array'
          : `a ${typeof options}`);
  throw new SecretsError([{ code: 'INVALID_OPTION', message: `${takes} an object of options; got ${got}` }]);
}

/** One line naming where the secrets came from and which sections: never a value. */
async function logLoaded(secrets: Secrets, logger: StartupLog | undefined): Promise<void> {
  if (!logger) return;
  const only = secrets.sources.length === 1 ? secrets.sources[0] : undefined;
  const from =
    only?.kind === 'values'
      ? 'the values option'
      : only?.kind === 'ini' && secrets.source !== 'values' && secrets.source !== 'sources'
        ? `${only.file} (${describeFileSource(secrets.source)})`
        : secrets.sources.map(describeSource).join(', ');
  const all = secrets.sectionNames;
  // A header line that is really a pasted value is not worth a name in the log.
  const names = all.filter(isPresentableName);
  const hidden = all.length - names.length;
  const listed = [...names, ...(hidden ? [`${hidden} not shown`] : [])];
  logger.log(
    `Loaded secrets for environment "${secrets.environment}" (${describeEnvironmentSource(secrets.environmentSource)}) ` +
      `from ${from}: ${all.length} section${all.length === 1 ? '' : 's'}${listed.length ? ` (${listed.join(', ')})` : ''}`,
  );
  for (const warning of secrets.warnings) logger.warn(formatProblem(warning));
  // An .age file is meant to be shared (and committed): its mode does not matter.
  if (secrets.file === null || secrets.encrypted) return;
  if (isLocalEnvironment(secrets.environment) || process.platform === 'win32') return;
  const mode = (await fs.stat(secrets.file)).mode & 0o777;
  if (mode & 0o077) {
    logger.warn(
      `${secrets.file} is accessible by group or others (mode ${mode.toString(8).padStart(4, '0')}): run chmod 600 ${secrets.file}`,
    );
  }
}
