/**
 * The one deliberate way to hand a whole section on: a loaded instance's
 * secret properties are not enumerable (see `redact.ts`), so `{ ...dto }`
 * carries only what may be shown; `reveal(dto)` carries everything.
 */
import { getSectionOptions } from './decorators';
import { describeDto } from './keys';
import { loadedProperties } from './redact';

/**
 * What {@link reveal} returns for a `T`: its non-method properties, writable,
 * on a plain object. At run time it holds exactly the DTO's declared keys, so
 * a getter of the DTO (`configured`) is typed here but absent.
 */
export type Revealed<T> = {
  -readonly [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K];
};

/**
 * A new plain object (prototype `Object.prototype`, not frozen) holding every
 * declared property of a section instance with its real value — secrets,
 * `@NotSecret()` properties and `undefined` ones alike — as enumerable own
 * properties, in declaration order (base classes first). For handing a
 * section to a library on purpose; spreading the instance itself does not
 * carry its secrets.
 *
 * The values are the instance's own (a list is the same deeply frozen array:
 * copy it before changing it). Nothing of the instance is called: its
 * `toJSON`, getters and methods play no part. Undeclared fields that a DTO
 * constructor sets, and getters such as `configured`, are not included.
 *
 * Takes an instance loaded by this library (injected, or from
 * `Secrets.section()`), or an instance the application made itself of a
 * class decorated with `@SecretsSection` (as a test passes to
 * `overrideProvider(...).useValue(...)`): then its declared properties are
 * read as they are.
 *
 * @example
 * TypeOrmModule.forRootAsync({
 *   inject: [DatabaseSecrets],
 *   useFactory: (db: DatabaseSecrets) => ({ type: 'postgres', ...reveal(db) }),
 * });
 *
 * @throws TypeError for anything else — `null` (an absent optional section),
 *   a plain object such as a copy `{ ...dto }`, an instance of a class without
 *   `@SecretsSection`, a class, a primitive. The message names what was
 *   passed by kind only, never a value:
 *   `reveal() takes a section instance (injected, from Secrets.section(), or new of a @SecretsSection class); got null (an absent optional section is injected as null)`.
 */
export function reveal<T extends object>(section: T): Revealed<T> {
  const out: Record<string, unknown> = {};
  const loaded = loadedProperties(section);
  if (loaded) {
    for (const property of loaded) {
      // Read from the descriptor: every declared property of a loaded instance is an own data property.
      const descriptor = Object.getOwnPropertyDescriptor(section, property);
      out[property] = descriptor && 'value' in descriptor ? descriptor.value : undefined;
    }
    return out as Revealed<T>;
  }
  const properties = declaredPropertiesOfInstance(section);
  if (!properties) {
    throw new TypeError(
      `reveal() takes a section instance (injected, from Secrets.section(), or new of a @SecretsSection class); got ${kindOf(section)}`,
    );
  }
  for (const property of properties) out[property] = (section as Record<string, unknown>)[property];
  return out as Revealed<T>;
}

/** The declared properties when `value` is an instance of a `@SecretsSection` class itself, else `undefined`. */
function declaredPropertiesOfInstance(value: unknown): string[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  try {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype === null || typeof prototype !== 'object') return undefined;
    const cls: unknown = Object.prototype.hasOwnProperty.call(prototype, 'constructor')
      ? (prototype as { constructor: unknown }).constructor
      : undefined;
    if (typeof cls !== 'function' || cls.prototype !== prototype) return undefined;
    const { name } = getSectionOptions(cls);
    return describeDto(cls, name).description.properties.map((p) => p.property);
  } catch {
    // Not decorated (getSectionOptions' SecretsError), or a Proxy whose traps throw.
    return undefined;
  }
}

/** What `value` is, by kind only: for an error message that must never quote a value. */
function kindOf(value: unknown): string {
  if (value === null) return 'null (an absent optional section is injected as null)';
  if (typeof value === 'function') return 'a function (pass the section instance, not its class)';
  if (typeof value !== 'object') return `a value of type ${typeof value}`;
  try {
    if (Array.isArray(value)) return 'an array';
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype === null || prototype === Object.prototype) {
      return 'a plain object (a copy such as { ...dto } is not a section instance)';
    }
    const cls: unknown = (prototype as { constructor?: unknown }).constructor;
    if (typeof cls === 'function' && cls.name) return `an instance of ${cls.name}, which has no @SecretsSection`;
  } catch {
    // A Proxy whose traps throw: say no more than "an object".
  }
  return 'an object that is not a section instance';
}
