/**
 * One set of DTO classes per worker, shared by every competitor, so the
 * validation rules are the same by construction. They are decorated by hand
 * (what tsc emits for `@IsString() key!: string` with emitDecoratorMetadata),
 * with the root's class-validator and class-transformer.
 *
 * Only one set exists per process: class-validator looks for inherited rules
 * by scanning every class it knows on each `validate`, so extra classes would
 * slow every competitor down alike and blur the scaling numbers.
 */
import { ct, cv } from './shared.mjs';

const DESIGN_TYPE = { string: String, number: Number, boolean: Boolean, list: Array };

function rules(kind) {
  switch (kind) {
    case 'string':
      return [cv.IsString(), cv.IsNotEmpty()];
    case 'number':
      return [cv.IsInt(), cv.Min(0)];
    case 'boolean':
      return [cv.IsBoolean()];
    case 'list':
      return [cv.IsArray(), cv.IsString({ each: true })];
  }
  throw new Error(`unknown kind ${kind}`);
}

function className(section) {
  return `${section.replace(/(^|_)([a-z0-9])/g, (_, __, c) => c.toUpperCase())}Secrets`;
}

/**
 * @param spec from `makeSpec`
 * @param SecretsSection our class decorator, or undefined in a process that never loads our package
 * @returns `sections`: `{ name, cls, keys }` in file order; `Root`: nest-typed-config's schema, one
 *   nested property per section.
 */
export function makeDtos(spec, SecretsSection) {
  const sections = spec.sections.map((section) => {
    const name = className(section.name);
    let cls = { [name]: class {} }[name];
    for (const { key, kind } of section.keys) {
      Reflect.decorate(
        [...rules(kind), Reflect.metadata('design:type', DESIGN_TYPE[kind])],
        cls.prototype,
        key,
        undefined,
      );
    }
    if (SecretsSection) cls = Reflect.decorate([SecretsSection(section.name)], cls);
    return { name: section.name, cls, keys: section.keys };
  });
  const Root = class BenchConfig {};
  for (const { name, cls } of sections) {
    Reflect.decorate(
      [cv.ValidateNested(), ct.Type(() => cls), Reflect.metadata('design:type', cls)],
      Root.prototype,
      name,
      undefined,
    );
  }
  return { sections, Root };
}

/**
 * What `@Type`/`@Transform` would do for the competitors: INI and `.env`
 * strings to the declared kinds (ini.parse already turns `true` into a
 * boolean). Anything unexpected is left as is, for class-validator to reject.
 */
export function convertValue(kind, value) {
  if (typeof value !== 'string') return value;
  switch (kind) {
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'list':
      return value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    default:
      return value;
  }
}
