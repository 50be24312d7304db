/**
 * Loaded DTO instances that print `[REDACTED]` instead of their values.
 *
 * Each DTO class gets, once, a subclass of the same name whose prototype
 * carries `toJSON`, `toString` and `util.inspect.custom`, and whose secret
 * properties carry a `toPlainOnly` class-transformer `@Transform`. Instances
 * are created from that subclass, so `instanceof Dto` holds and the DTO's own
 * getters and methods work, while the user's class and prototype are never
 * touched.
 *
 * On a loaded instance the secret properties (declared, not `@NotSecret()`,
 * value not `undefined`) are own data properties that are not enumerable:
 * everything that copies or walks enumerable own properties without calling
 * `toJSON` — spread, `Object.assign`, `Object.keys/values/entries`, `for…in`,
 * `structuredClone`, `console.table`, pino's merging object — does not see
 * them. The printing methods above and class-transformer (through an
 * `@Expose()` on the subclass) still list them, redacted; `reveal()` hands
 * them on on purpose.
 *
 * What this cannot cover — anything that reads a named or listed property:
 * property access (`dto.secret`, by design), `Object.getOwnPropertyDescriptors`,
 * `Object.getOwnPropertyNames` / `Reflect.ownKeys` + access,
 * `util.inspect(dto, { showHidden: true, customInspect: false })`. Values
 * handed on (`dto.secret` passed to a logger) are plain strings.
 * `dto.constructor` is the subclass, not the DTO class (use `instanceof`). A
 * DTO's own `toJSON`/`toString`/inspect method is shadowed.
 */
import { inspect } from 'node:util';
import type { TransformFnParams } from 'class-transformer';
import { isNotSecret } from './decorators';
import { getTransformerStorage } from './keys';
import { CLASS_TO_PLAIN, classTransformer } from './libraries';
import { REDACTED } from './redacted';

export { REDACTED };

interface RedactedClass {
  readonly cls: new () => object;
  /** Properties whose `instanceToPlain` output is already redacted. */
  readonly covered: Set<string>;
  /** A same-named empty class whose instances `util.inspect` prints as `Name { … }`. */
  readonly display: new () => object;
  /** Secret properties that class-transformer is told to list although they are not enumerable. */
  readonly exposed: Set<string>;
  /** The declared properties, as given by the first {@link hideSecrets} (the same for every load). */
  declared?: Declared;
  /** The declared properties that are not `@NotSecret()`, found once per class (a metadata lookup each). */
  secret?: ReadonlySet<string>;
  /** Whether every secret property has been offered to class-transformer (see exposeToTransformer). */
  allExposed?: boolean;
}

interface Declared {
  readonly list: readonly string[];
  readonly set: ReadonlySet<string>;
}

const redactedClasses = new WeakMap<Function, RedactedClass>();

/**
 * The redacting subclass of `dto` (created once per class), with
 * `instanceToPlain` redaction registered for `properties` that are not
 * `@NotSecret()`. Calling it again with more properties registers those too.
 *
 * @throws TypeError when `dto` cannot be extended (not a class).
 */
export function redactedClassOf(dto: Function, properties: Iterable<string> = []): new () => object {
  let entry = redactedClasses.get(dto);
  if (!entry) {
    const name = dto.name;
    const Base = dto as new () => object;
    const Redacted = class extends Base {};
    Object.defineProperty(Redacted, 'name', { value: name, configurable: true });
    const display = ({ [name]: class {} } as Record<string, new () => object>)[name]!;
    Object.defineProperty(display, 'name', { value: name, configurable: true });
    defineRedactingMethods(Redacted.prototype, dto, display);
    // class-transformer reads a class-level @Exclude()/@Expose() strategy
    // from the exact class only, so the subclass has to repeat it.
    const strategy = getTransformerStorage().getStrategy(dto);
    if (strategy === 'excludeAll') classTransformer().Exclude()(Redacted);
    if (strategy === 'exposeAll') classTransformer().Expose()(Redacted);
    redactedClassSet.add(Redacted);
    entry = { cls: Redacted, covered: new Set(), display, exposed: new Set() };
    redactedClasses.set(dto, entry);
  }
  const { Transform, Type } = classTransformer();
  for (const property of properties) {
    if (entry.covered.has(property) || isNotSecret(dto, property)) continue;
    entry.covered.add(property);
    // Registered on the subclass, so it runs after the DTO's own transforms
    // (class-transformer applies ancestors' first) and has the last word.
    Transform(({ value }) => (value === undefined ? undefined : REDACTED), { toPlainOnly: true })(
      entry.cls.prototype,
      property,
    );
    // Without this a DTO's @Type(() => Number) would turn the placeholder into NaN.
    Type(() => String)(entry.cls.prototype, property);
    quietUserTransforms(dto, property);
  }
  return entry.cls;
}

const redactedClassSet = new WeakSet<Function>();
const quieted = new WeakSet<object>();

/**
 * A DTO's own `@Transform` (without `toClassOnly`) also runs in
 * `instanceToPlain`, on the real value, before the redaction: `JSON.parse`
 * of a secret would throw a message quoting it. For our instances only,
 * such a transform is skipped on the way to plain; the user's own instances
 * of the class are transformed as before.
 */
function quietUserTransforms(dto: Function, property: string): void {
  const metadatas = getTransformerStorage().findTransformMetadatas(dto, property, CLASS_TO_PLAIN);
  for (const metadata of metadatas as Array<{ transformFn: (params: TransformFnParams) => unknown }>) {
    if (quieted.has(metadata)) continue;
    quieted.add(metadata);
    const original = metadata.transformFn;
    metadata.transformFn = (params) =>
      params.type === CLASS_TO_PLAIN &&
      params.obj !== null &&
      typeof params.obj === 'object' &&
      redactedClassSet.has((params.obj as object).constructor)
        ? params.value
        : original(params);
  }
}

function defineRedactingMethods(prototype: object, dto: Function, display: new () => object): void {
  const shown = (instance: object): Record<string, unknown> => {
    const out: Record<string, unknown> = Object.create(display.prototype);
    for (const key of shownKeys(instance)) {
      const value = (instance as Record<string, unknown>)[key];
      // An absent optional value is shown as absent: that it is unset is not a secret.
      out[key] = value === undefined || isNotSecret(dto, key) ? value : REDACTED;
    }
    return out;
  };
  const methods = {
    toJSON(this: object): Record<string, unknown> {
      return { ...shown(this) };
    },
    toString(this: object): string {
      return inspect(this);
    },
    // Returning an object lets util.inspect format it with the caller's
    // depth, colors and width.
    [inspect.custom](this: object): object {
      return shown(this);
    },
  };
  for (const key of Reflect.ownKeys(methods)) {
    Object.defineProperty(prototype, key, {
      value: methods[key as keyof typeof methods],
      writable: false,
      enumerable: false,
      configurable: false,
    });
  }
}

// Loaded instance → its DTO's declared properties. Only buildSections adds
// to it, so an entry is also the proof that an object is a loaded instance.
const loadedInstances = new WeakMap<object, Declared>();

/**
 * Registers `instance` — a fresh instance of `redactedClassOf(dto)` on which
 * every declared property is an own property — as loaded, and makes its
 * secret properties (not `@NotSecret()`, value not `undefined`) not
 * enumerable, before it is frozen. An `undefined` value stays enumerable:
 * that a value is unset is not a secret.
 *
 * @param properties the DTO's declared properties (`DtoDescription.properties`), in order.
 */
export function hideSecrets(
  instance: object,
  dto: Function,
  properties: readonly string[],
  constructorSet: readonly string[] = properties,
): void {
  const entry = redactedClasses.get(dto);
  if (!entry) throw new TypeError(`${dto.name}: hideSecrets() before redactedClassOf()`);
  entry.declared ??= { list: Object.freeze([...properties]), set: new Set(properties) };
  loadedInstances.set(instance, entry.declared);
  const secret = secretProperties(dto, properties);
  // Once per class: class-transformer lists a hidden secret only when told to.
  if (!entry.allExposed) {
    for (const property of secret) exposeToTransformer(entry, dto, property);
    entry.allExposed = true;
  }
  // buildSections defines the properties it sets hidden already (redefining
  // them costs a shape change each); a secret field the constructor set is
  // hidden here, unless it is unset or the constructor made it non-configurable.
  for (const property of constructorSet) {
    if (!secret.has(property)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(instance, property);
    if (descriptor === undefined || ('value' in descriptor && descriptor.value === undefined)) continue;
    if (descriptor.enumerable && descriptor.configurable)
      Object.defineProperty(instance, property, { enumerable: false });
  }
}

/**
 * The `properties` of `dto` that are secret (not `@NotSecret()`), found once
 * per class. `dto` must have been passed to {@link redactedClassOf}.
 */
export function secretProperties(dto: Function, properties: readonly string[]): ReadonlySet<string> {
  const entry = redactedClasses.get(dto);
  if (!entry) throw new TypeError(`${dto.name}: secretProperties() before redactedClassOf()`);
  return (entry.secret ??= new Set(properties.filter((property) => !isNotSecret(dto, property))));
}

/**
 * class-transformer lists an object's keys with `Object.keys` plus the
 * properties with `@Expose` metadata. A `toPlainOnly` `@Expose()` on the
 * subclass puts a hidden secret back on that list for `instanceToPlain`
 * (where its `@Transform` redacts it), unless the DTO decides about that
 * property itself: a DTO `@Expose` (its name, groups and versions keep
 * applying; a `toClassOnly` one is repeated for plain output) or a
 * class-level `@Exclude()`. A side effect: the property is also listed (as
 * `[REDACTED]`) under the `excludeAll` and `excludeExtraneousValues` call
 * options. `instanceToInstance` does not list it: its copy, like a spread,
 * has no secrets.
 */
function exposeToTransformer(entry: RedactedClass, dto: Function, property: string): void {
  if (entry.exposed.has(property)) return;
  entry.exposed.add(property);
  const storage = getTransformerStorage();
  if (storage.getStrategy(dto) === 'excludeAll') return;
  const own = storage.findExposeMetadata(dto, property);
  const { Expose } = classTransformer();
  if (!own) {
    Expose({ toPlainOnly: true })(entry.cls.prototype, property);
  } else if (own.options?.toClassOnly === true && own.options.toPlainOnly !== true) {
    Expose({ ...own.options, toClassOnly: false, toPlainOnly: true })(entry.cls.prototype, property);
  }
}

/**
 * The own keys that printing a loaded instance shows: every enumerable one
 * and the hidden secret ones, in definition order. `Object.keys` for any
 * other object.
 */
export function shownKeys(value: object): string[] {
  const declared = loadedInstances.get(value);
  if (!declared) return Object.keys(value);
  return Object.getOwnPropertyNames(value).filter(
    (key) => declared.set.has(key) || Object.prototype.propertyIsEnumerable.call(value, key),
  );
}

/** The declared properties of a loaded instance, in order; `undefined` for any other value. */
export function loadedProperties(value: unknown): readonly string[] | undefined {
  return value !== null && typeof value === 'object' ? loadedInstances.get(value)?.list : undefined;
}

/**
 * Freezes `value` and everything reachable through own data properties
 * (arrays included), cycle-safe. Typed arrays (and Buffers) with elements
 * cannot be frozen and are left as they are; objects whose state lives in
 * internal slots (`Date`, `Map`, `Set`, `URL`) are frozen but their methods
 * can still change them. Functions are not descended into.
 */
export function deepFreeze<T>(value: T, seen: WeakSet<object> = new WeakSet()): T {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return value;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return value;
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor && 'value' in descriptor) deepFreeze(descriptor.value, seen);
  }
  Object.freeze(value);
  return value;
}
