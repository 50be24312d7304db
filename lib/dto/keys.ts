/**
 * What a DTO class declares: its keys (properties carrying class-validator,
 * class-transformer or `@NotSecret` metadata, on the class or an ancestor),
 * how each is typed and transformed, and what is wrong with the class
 * itself. Reads only metadata — never a value.
 */
import 'reflect-metadata';
import type { MetadataStorage as TransformerStorage } from 'class-transformer/types/MetadataStorage';
import { classTransformerStorage, classValidator, PLAIN_TO_CLASS } from './libraries';
import type { TransformFnParams } from 'class-transformer';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { notSecretProperties } from './decorators';
import type { SecretsProblem } from '../errors';

/** The class-transformer metadata storage (shared with user code). */
export function getTransformerStorage(): TransformerStorage {
  return classTransformerStorage();
}

// The storage's per-class maps are private; declared keys need all of them,
// including properties that have only a @Type or only a @Transform.
interface TransformerStorageInternals {
  _typeMetadatas: Map<Function, Map<string | undefined, unknown>>;
  _transformMetadatas: Map<Function, Map<string | undefined, unknown>>;
  _exposeMetadatas: Map<Function, Map<string | undefined, unknown>>;
  _excludeMetadatas: Map<Function, Map<string | undefined, unknown>>;
}

/** One declared key of a DTO. */
export interface DtoProperty {
  /** Property name on the instance. */
  readonly property: string;
  /** Key in the INI section: the `@Expose({ name })` (not `toPlainOnly`), else the property name. */
  readonly key: string;
  /** `design:type`; `undefined` in a build without `emitDecoratorMetadata`. */
  readonly designType: Function | undefined;
  /** `@Type(() => X)`, resolved lazily because the type function may throw. */
  readonly typeFunction: (() => unknown) | undefined;
  /**
   * `@IsOptional()` or `@ValidateIf()`: an absent or empty key becomes
   * `undefined` and validation decides.
   */
  readonly conditional: boolean;
  /** `@Transform` functions that apply when reading (not `toPlainOnly`), in the order class-transformer applies them. */
  readonly transforms: readonly ((params: TransformFnParams) => unknown)[];
  readonly notSecret: boolean;
}

/** Everything the conversion/validation stage needs to know about a DTO class. */
export interface DtoDescription {
  readonly cls: Function;
  readonly name: string;
  /** Declared keys, base classes first. */
  readonly properties: readonly DtoProperty[];
  /** Declared keys by INI key. */
  readonly byKey: ReadonlyMap<string, DtoProperty>;
  /**
   * Accessors and methods that carry metadata (e.g. an `@Expose()` getter):
   * not keys, but `instanceToPlain` would print them, so they are redacted.
   */
  readonly members: readonly string[];
  /** Whether any class-validator rule other than `@IsOptional`/`@ValidateIf` applies. */
  readonly hasRules: boolean;
}

/** The class and its ancestors, base first (`Object`/`Function.prototype` excluded). */
export function classChain(cls: Function): Function[] {
  const chain: Function[] = [];
  for (let c: unknown = cls; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    chain.unshift(c as Function);
  }
  return chain;
}

/**
 * Every class-validator metadata of `cls` and its ancestors, groups ignored:
 * what `getTargetValidationMetadatas(cls, '', true, false)` returns (own rules
 * first, then inherited ones not overridden by an own rule of the same
 * property and type), read from the storage's per-class map along the
 * prototype chain. That method finds ancestors by testing every class the
 * storage knows, so describing N classes was O(N²): seconds for 2,500
 * sections. Falls back to it when the storage is not keyed by class.
 */
export function validationMetadatas(cls: Function): ValidationMetadata[] {
  const storage = classValidator().getMetadataStorage();
  const byClass = (storage as unknown as { validationMetadatas?: unknown }).validationMetadatas;
  if (!(byClass instanceof Map)) {
    return storage.getTargetValidationMetadatas(cls, '', true, false).filter(isPropertyMetadata);
  }
  const map = byClass as Map<unknown, ValidationMetadata[]>;
  const own = (map.get(cls) ?? []).filter((m) => m.target === cls);
  const ancestors: Function[] = [];
  for (let proto = Object.getPrototypeOf(cls.prototype ?? null); proto; proto = Object.getPrototypeOf(proto)) {
    const ctor: unknown = Object.prototype.hasOwnProperty.call(proto, 'constructor') ? proto.constructor : undefined;
    if (typeof ctor === 'function' && ctor.prototype === proto) ancestors.unshift(ctor);
  }
  const inherited = ancestors
    .flatMap((ancestor) => map.get(ancestor) ?? [])
    .filter((m) => m.target !== cls && !own.some((o) => o.propertyName === m.propertyName && o.type === m.type));
  return [...own, ...inherited].filter(isPropertyMetadata);
}

function isPropertyMetadata(m: ValidationMetadata): boolean {
  return typeof m.target === 'function' && typeof m.propertyName === 'string';
}

// Own data properties with these names would shadow methods every instance
// relies on: `toJSON` would switch off JSON redaction, `toString` printing.
const OBJECT_MEMBERS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'toJSON']);

/**
 * Describes `cls`. Problems with the class itself (never with the file)
 * are returned rather than thrown, so that they are reported with all others:
 * `NO_METADATA` for a key without `design:type` (unless a `@Transform` makes
 * the type irrelevant), `NO_RULES` when nothing validates, `INVALID_OPTION`
 * when two properties read the same key or a property is named like a
 * member of Object (`toJSON`, `toString`, `valueOf`, …).
 */
export function describeDto(
  cls: Function,
  section: string,
): { description: DtoDescription; problems: SecretsProblem[] } {
  const problems: SecretsProblem[] = [];
  const metas = validationMetadatas(cls);
  const notSecret = new Set(notSecretProperties(cls));
  const names = decoratedProperties(cls, metas, notSecret);

  const name = cls.name || 'an anonymous class';
  const properties: DtoProperty[] = [];
  const members: string[] = [];
  const byKey = new Map<string, DtoProperty>();
  for (const property of names) {
    if (OBJECT_MEMBERS.has(property)) {
      problems.push(namedLikeObjectMember(name, property, section));
      continue;
    }
    if (isMember(cls, property)) {
      members.push(property);
      continue;
    }
    const description = describeProperty(cls, property, metas, notSecret.has(property));
    const { key } = description;
    const clash = byKey.get(key);
    if (clash) {
      problems.push({
        code: 'INVALID_OPTION',
        section,
        key,
        message: `${name}.${clash.property} and ${name}.${property} both read this key; give one an @Expose({ name }) of its own`,
      });
      continue;
    }
    byKey.set(key, description);
    properties.push(description);
    if (description.designType === undefined && description.transforms.length === 0) {
      problems.push(noMetadata(`${name}.${property}`, section, key));
    }
  }

  const hasRules = metas.some((m) => m.type !== classValidator().ValidationTypes.CONDITIONAL_VALIDATION);
  if (!hasRules) {
    problems.push({
      code: 'NO_RULES',
      section,
      message: `${name} has no validation rules: add class-validator decorators (e.g. @IsString()) to its properties, or @Allow() to accept a property as is`,
    });
  }
  return { description: { cls, name, properties, byKey, members, hasRules }, problems };
}

function namedLikeObjectMember(name: string, property: string, section: string): SecretsProblem {
  return {
    code: 'INVALID_OPTION',
    section,
    message:
      `${name}.${property}: a DTO property may not be named like a member of Object (it would replace ` +
      `${property} for every instance, and with it the redaction); read the key into another property with @Expose({ name: '${property}' })`,
  };
}

function noMetadata(subject: string, section: string, key: string): SecretsProblem {
  return {
    code: 'NO_METADATA',
    section,
    key,
    message:
      `${subject} has no design:type metadata, so its type is unknown: enable "emitDecoratorMetadata" ` +
      `(with "experimentalDecorators") in tsconfig.json; with SWC set jsc.transform.decoratorMetadata, ` +
      `and with vitest on Vite 7 or older use unplugin-swc (esbuild emits no decorator metadata)`,
  };
}

/**
 * Every property some decorator names — class-validator's, class-transformer's
 * (`@Expose`, `@Type`, `@Transform`, `@Exclude`) or `@NotSecret` — on the class
 * and its ancestors, nearest class first, each once.
 */
function decoratedProperties(
  cls: Function,
  metas: readonly ValidationMetadata[],
  notSecret: ReadonlySet<string>,
): string[] {
  const internals = classTransformerStorage() as unknown as TransformerStorageInternals;
  const names: string[] = [];
  const seen = new Set<string>();
  const add = (property: unknown): void => {
    if (typeof property === 'string' && !seen.has(property)) {
      seen.add(property);
      names.push(property);
    }
  };
  for (const target of classChain(cls)) {
    for (const m of metas) if (m.target === target) add(m.propertyName);
    for (const map of [
      internals._exposeMetadatas,
      internals._typeMetadatas,
      internals._transformMetadatas,
      internals._excludeMetadatas,
    ]) {
      for (const property of map.get(target)?.keys() ?? []) add(property);
    }
  }
  for (const property of notSecret) add(property);
  return names;
}

/** One property as its decorators describe it: the key it reads, its type, its transforms. */
function describeProperty(
  cls: Function,
  property: string,
  metas: readonly ValidationMetadata[],
  notSecret: boolean,
): DtoProperty {
  const own = metas.filter((m) => m.propertyName === property);
  const expose = classTransformerStorage().findExposeMetadata(cls, property);
  const key = expose?.options?.name && expose.options.toPlainOnly !== true ? expose.options.name : property;
  const typeMeta = classTransformerStorage().findTypeMetadata(cls, property);
  return {
    property,
    key,
    designType: Reflect.getMetadata('design:type', cls.prototype, property) as Function | undefined,
    typeFunction: typeMeta?.typeFunction
      ? () => typeMeta.typeFunction({ newObject: {}, object: {}, property })
      : undefined,
    conditional: own.some((m) => m.type === classValidator().ValidationTypes.CONDITIONAL_VALIDATION),
    transforms: classTransformerStorage()
      .findTransformMetadatas(cls, property, PLAIN_TO_CLASS)
      .map((t) => t.transformFn),
    notSecret,
  };
}

// Accessors and methods are not keys: assigning to them would either throw
// (getter only) or replace behaviour.
function isMember(cls: Function, property: string): boolean {
  for (
    let proto: object | null = cls.prototype;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, property);
    if (descriptor)
      return descriptor.get !== undefined || descriptor.set !== undefined || typeof descriptor.value === 'function';
  }
  return false;
}
