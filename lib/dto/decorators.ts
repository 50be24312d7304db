/**
 * `@SecretsSection` and `@NotSecret`, and the internal readers of what they
 * record. Metadata lives under symbols via reflect-metadata, so it never
 * collides with (or shows up as) user properties. The symbols are registered
 * (`Symbol.for`): a second installation of this package (a global
 * `nest-secrets`, a sibling package's copy in a monorepo) reads what the
 * app's copy recorded, as long as both use the same reflect-metadata registry
 * (reflect-metadata 0.2 shares one per process).
 */
import 'reflect-metadata';
import { SecretsError } from '../errors';
import { RESERVED_NAMES } from '../reserved-names';

/** Options of {@link SecretsSection}. */
export interface SecretsSectionOptions {
  /**
   * When `true`, a missing section yields `null` instead of a
   * `MISSING_SECTION` problem; a present section is validated as usual.
   * Default `false`.
   */
  readonly optional?: boolean;
  /**
   * When `true`, keys of the section that no property declares are ignored
   * instead of being `UNKNOWN_KEY` problems. Default `false`.
   */
  readonly allowUnknownKeys?: boolean;
}

/** What {@link getSectionOptions} returns: the name and every option resolved. */
export interface ResolvedSectionOptions {
  readonly name: string;
  readonly optional: boolean;
  readonly allowUnknownKeys: boolean;
}

/** Where `@SecretsSection` records its options; shared by every copy of the package. */
const SECTION_KEY = Symbol.for('nestjs-ini-secrets:section');
/** Where `@NotSecret` records its property list; shared by every copy of the package. */
const NOT_SECRET_KEY = Symbol.for('nestjs-ini-secrets:not-secret');

/**
 * Marks a class as the DTO of the INI section `name`. The name is literal
 * (dots are not nesting: `'authomatic.facebook'` is the section
 * `[authomatic.facebook]`) and is compared case-sensitively. Several classes
 * may claim the same section. The decorator is not inherited: a subclass of
 * a DTO needs its own `@SecretsSection`.
 *
 * @throws TypeError at class definition when `name` is not a non-empty
 *   string, has leading/trailing spaces or tabs, contains a line break, is
 *   `__proto__`/`constructor`/`prototype`; when an option is not a boolean;
 *   or when the class is decorated twice.
 */
export function SecretsSection(name: string, options: SecretsSectionOptions = {}): ClassDecorator {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError('@SecretsSection(name): name must be a non-empty string');
  }
  if (/^[ \t]|[ \t]$/.test(name)) {
    throw new TypeError(
      `@SecretsSection('${name}'): the name must not start or end with spaces or tabs (section names are trimmed in the file)`,
    );
  }
  if (/[\r\n]/.test(name)) {
    throw new TypeError('@SecretsSection(name): the name must not contain a line break');
  }
  if (RESERVED_NAMES.has(name)) {
    throw new TypeError(`@SecretsSection('${name}'): '${name}' is a reserved name and cannot be a section`);
  }
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`@SecretsSection('${name}', options): options must be an object`);
  }
  for (const option of ['optional', 'allowUnknownKeys'] as const) {
    if (options[option] !== undefined && typeof options[option] !== 'boolean') {
      throw new TypeError(`@SecretsSection('${name}', options): ${option} must be a boolean`);
    }
  }
  const resolved: ResolvedSectionOptions = Object.freeze({
    name,
    optional: options.optional ?? false,
    allowUnknownKeys: options.allowUnknownKeys ?? false,
  });
  return (target) => {
    if (Reflect.hasOwnMetadata(SECTION_KEY, target)) {
      throw new TypeError(`${target.name}: @SecretsSection may be applied only once`);
    }
    Reflect.defineMetadata(SECTION_KEY, resolved, target);
  };
}

/**
 * Marks a DTO property whose value may be shown: `util.inspect`,
 * `JSON.stringify`, `String()` and `instanceToPlain` of a loaded instance
 * print it instead of `[REDACTED]`. It also declares the property as a key of
 * the section. Error messages never show any value, `@NotSecret` or not.
 * Inherited by subclasses.
 *
 * @throws TypeError when applied to a static member.
 */
export function NotSecret(): PropertyDecorator {
  return (target, property) => {
    if (typeof target === 'function') {
      throw new TypeError(`${target.name}.${String(property)}: @NotSecret applies to instance properties only`);
    }
    if (typeof property !== 'string') {
      throw new TypeError(`${target.constructor.name}: @NotSecret applies to string-named properties only`);
    }
    // Copy the inherited list so that a subclass never adds to its base's list.
    const inherited: readonly string[] = Reflect.getMetadata(NOT_SECRET_KEY, target) ?? [];
    if (inherited.includes(property)) return;
    Reflect.defineMetadata(NOT_SECRET_KEY, Object.freeze([...inherited, property]), target);
  };
}

/**
 * The section name and resolved options recorded by `@SecretsSection` on
 * `cls` itself (not on its ancestors).
 *
 * @throws SecretsError (`INVALID_OPTION`) naming the class when `cls` is not a
 *   class or carries no `@SecretsSection` of its own.
 */
export function getSectionOptions(cls: Function): ResolvedSectionOptions {
  if (typeof cls !== 'function') {
    throw new SecretsError([
      {
        code: 'INVALID_OPTION',
        message: `sections must be classes decorated with @SecretsSection; got ${describeNonClass(cls)}`,
      },
    ]);
  }
  const options: ResolvedSectionOptions | undefined = Reflect.getOwnMetadata(SECTION_KEY, cls);
  if (options === undefined) {
    const inherited = Reflect.getMetadata(SECTION_KEY, cls) as ResolvedSectionOptions | undefined;
    const hint = inherited
      ? ` (it extends a DTO of [${inherited.name}], but @SecretsSection is not inherited: decorate the subclass too)`
      : `; add @SecretsSection('<section name>') to the class`;
    throw new SecretsError([
      {
        code: 'INVALID_OPTION',
        message: `${cls.name || 'an anonymous class'} is not decorated with @SecretsSection${hint}`,
      },
    ]);
  }
  return options;
}

/** Whether `property` of `cls` (or of an ancestor) carries `@NotSecret()`. */
export function isNotSecret(cls: Function, property: string): boolean {
  const list: readonly string[] | undefined = Reflect.getMetadata(NOT_SECRET_KEY, cls.prototype);
  return list !== undefined && list.includes(property);
}

/** Every `@NotSecret()` property of `cls` and its ancestors, in declaration order. */
export function notSecretProperties(cls: Function): readonly string[] {
  return Reflect.getMetadata(NOT_SECRET_KEY, cls.prototype) ?? [];
}

function describeNonClass(value: unknown): string {
  if (value === undefined) return 'undefined (a circular import?)';
  if (value === null) return 'null';
  return `a value of type ${typeof value}`;
}
