import { type DynamicModule, Module } from '@nestjs/common';
import { inspect } from 'node:util';
import type { Secrets } from '../load-secrets';
import { SECRETS_STATE } from './secrets.constants';
import { requireState, type SecretsState } from './secrets-state';

/**
 * The object `ConfigService` reads (`ConfigModule`'s internal configuration).
 * `@nestjs/config` has no public way to add a namespace from DI:
 * `ConfigService.set` also writes `process.env`, and `load`/`registerAs`
 * factories cannot inject. The token has been this string since
 * `@nestjs/config` 0.x; its host module is global.
 */
const CONFIGURATION_TOKEN = 'CONFIGURATION_TOKEN';
const INSTALLED = Symbol('nestjs-ini-secrets:config-namespace');

/** Options of {@link SecretsConfigModule.forRoot}. */
export interface SecretsConfigModuleOptions {
  /** Top-level `ConfigService` key the secrets appear under. Default `'secrets'`; no dots. */
  namespace?: string;
}

/**
 * Puts the secrets `SecretsModule` loaded into `@nestjs/config`'s
 * `ConfigService`, under one namespace: `ConfigService.get('secrets.facebook.consumer_key')`
 * answers what `SecretsService.get('facebook.consumer_key')` answers (the raw
 * string), from the same load: no second read or decryption, nothing written
 * to `process.env`. Reads are live: with `watch`, they answer from the current
 * secrets. Printing or serialising the namespace (or any section under it)
 * shows section names, never a value.
 *
 * Import it once, next to `SecretsModule.forRoot` and `ConfigModule.forRoot`.
 * The namespace is in place once the application's providers are created (from
 * `onModuleInit` on); a provider factory that reads it earlier should inject
 * `SecretsService` or a section DTO directly.
 *
 * @throws Error at start-up without `ConfigModule` or `SecretsModule.forRoot`
 *   in the application, or when the namespace is taken (e.g. by a `registerAs`).
 * @throws TypeError from `forRoot` for a namespace that is empty or has a dot.
 *
 * @example
 * imports: [
 *   ConfigModule.forRoot({ isGlobal: true }),
 *   SecretsModule.forRoot({ sections: [FacebookSecrets] }),
 *   SecretsConfigModule.forRoot(), // ConfigService.get('secrets.facebook.consumer_key')
 * ]
 */
@Module({})
export class SecretsConfigModule {
  static forRoot(options: SecretsConfigModuleOptions = {}): DynamicModule {
    const namespace = options.namespace ?? 'secrets';
    if (typeof namespace !== 'string' || namespace === '' || namespace.includes('.')) {
      throw new TypeError(
        `SecretsConfigModule namespace must be a non-empty name without dots, not ${inspect(namespace)}`,
      );
    }
    return {
      module: SecretsConfigModule,
      providers: [
        {
          provide: INSTALLED,
          inject: [
            { token: SECRETS_STATE, optional: true },
            { token: CONFIGURATION_TOKEN, optional: true },
          ],
          useFactory: (state: SecretsState | undefined, host: Record<string, unknown> | undefined) =>
            install(requireState(state), host, namespace),
        },
      ],
    };
  }
}

function install(state: SecretsState, host: Record<string, unknown> | undefined, namespace: string): true {
  if (!host) {
    throw new Error(
      'SecretsConfigModule needs ConfigModule from @nestjs/config in the application: import ConfigModule.forRoot()',
    );
  }
  if (Object.prototype.hasOwnProperty.call(host, namespace)) {
    throw new Error(
      `SecretsConfigModule: ConfigService already has a ${JSON.stringify(namespace)} namespace (a registerAs or load?): choose another with SecretsConfigModule.forRoot({ namespace })`,
    );
  }
  // Not writable: a registerAs of the same name loaded later fails instead of hiding the secrets.
  Object.defineProperty(host, namespace, { value: configNode(() => state.current, []), enumerable: false });
  return true;
}

/**
 * A read-only view of the secrets under the section-name prefix `path`:
 * property `key` of a section is its raw value, any other step goes one
 * dot-separated part deeper (section names may contain dots: `authomatic.facebook`).
 * Resolved at each read from `current()`, so it follows rotation.
 */
function configNode(current: () => Secrets, path: readonly string[]): object {
  const prefix = path.join('.');
  const sectionsUnder = (secrets: Secrets) =>
    secrets.sectionNames.filter((name) => !prefix || name === prefix || name.startsWith(`${prefix}.`));
  // util.inspect shows a Proxy's target without running its traps: the
  // target's own methods are what console.log and JSON.stringify see.
  const target = Object.defineProperties(Object.create(null) as object, {
    toJSON: { value: () => ({ sections: sectionsUnder(current()) }) },
    [inspect.custom]: {
      value: () => `SecretsConfig ${inspect({ sections: sectionsUnder(current()) }, { breakLength: Infinity })}`,
    },
  });
  const lookup = (key: string | symbol): unknown => {
    if (typeof key === 'symbol' || key === 'toJSON') return Reflect.get(target, key);
    const secrets = current();
    if (prefix) {
      const value = secrets.get(`${prefix}.${key}`);
      if (value !== undefined) return value;
    }
    const deeper = prefix ? `${prefix}.${key}` : key;
    return secrets.sectionNames.some((name) => name === deeper || name.startsWith(`${deeper}.`))
      ? configNode(current, [...path, key])
      : undefined;
  };
  return new Proxy(target, {
    get: (_target, key) => lookup(key),
    has: (_target, key) => lookup(key) !== undefined,
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}
