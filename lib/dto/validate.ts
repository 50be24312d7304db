/**
 * The convert/validate stage: raw sections → validated, redacted, frozen DTO
 * instances, or one SecretsError with every problem of every section.
 *
 * class-validator's own messages are never used: they are built with the
 * real value (`$value`, message functions). Each failed constraint's message
 * is rebuilt here from its metadata with the value replaced by
 * `[REDACTED]`, then checked against every value as a last defence.
 */
import type { ValidationArguments, ValidationError } from 'class-validator';
import type { ConstraintMetadata } from 'class-validator/types/metadata/ConstraintMetadata';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { convertSection, findUnknownKeys, type SectionClaim } from './convert';
import { getSectionOptions, type ResolvedSectionOptions } from './decorators';
import { describedDto } from './known-sections';
import { validationMetadatas, type DtoDescription } from './keys';
import { errorName, SecretsError, type SecretsProblem } from '../errors';
import type { RawSection, RawSections } from '../model';
import { valueProblemAt } from '../sources/origin';
import { classValidator } from './libraries';
import { validateInstance } from './validate-instance';
import { deepFreeze, hideSecrets, REDACTED, redactedClassOf, secretProperties, shownKeys } from './redact';

interface Plan<C extends Function = Function> {
  readonly cls: C;
  readonly options: ResolvedSectionOptions;
  readonly dto: DtoDescription;
  /** The class itself is broken (NO_METADATA, NO_RULES, …): not built. */
  readonly broken: boolean;
}

interface Built {
  readonly plan: Plan;
  readonly section: RawSection;
  readonly instance: object;
  readonly failed: Set<string>;
}

/**
 * Builds one instance per DTO class from `raw`.
 *
 * - Each class must carry `@SecretsSection`; problems with a class itself
 *   (`INVALID_OPTION`, `NO_METADATA`, `NO_RULES`) are reported whether or not
 *   its section is present, so a broken DTO fails in every environment.
 * - A required section that is absent is `MISSING_SECTION`; an optional one
 *   maps to `null`; a present optional one is built normally.
 * - Each DTO receives only its declared keys of its own section. Keys of a
 *   section that no claiming DTO declares are `UNKNOWN_KEY` (reported once
 *   per key), unless a claiming DTO has `allowUnknownKeys`.
 * - Every section that could be converted is validated, also when another
 *   section (or another key of the same section) failed conversion, so one
 *   run shows everything; validation errors of a property that already has a
 *   conversion problem are dropped as repeats.
 *
 * @param classes DTO classes; duplicates are built once.
 * @param raw every section's final string values.
 * @param file the path the values were read from, for problem locations;
 *   `undefined` when they came from `values`.
 * @returns each class → its instance (a redacting subclass instance whose
 *   secrets are not enumerable, deeply frozen; see `redact.ts`) or `null`
 *   for an absent optional section.
 * @throws SecretsError with every problem found: problems of the classes
 *   themselves first, then each section's key problems, then validation
 *   problems, each group in class order.
 */
export async function buildSections<C extends Function>(
  classes: readonly C[],
  raw: RawSections,
  file: string | undefined,
): Promise<Map<C, object | null>> {
  const problems: SecretsProblem[] = [];
  const plans = planSections(classes, problems);
  const claims = claimsBySection(plans);
  const result = new Map<C, object | null>();
  const built: Built[] = [];
  const reportedUnknown = new Set<string>();
  for (const plan of plans) {
    const { name } = plan.options;
    const section = raw.get(name);
    if (!section) {
      if (plan.options.optional) result.set(plan.cls, null);
      else problems.push(missingSection(plan, file));
      continue;
    }
    if (!reportedUnknown.has(name)) {
      reportedUnknown.add(name);
      problems.push(...findUnknownKeys(section, claims.get(name) ?? [], file));
    }
    if (plan.broken) continue;
    const item = instantiate(plan, section, file, problems);
    if (!item) continue;
    built.push(item);
    result.set(plan.cls, item.instance);
  }
  problems.push(...(await validateBuilt(built, raw, file)));
  if (problems.length) throw new SecretsError(problems);
  for (const instance of result.values()) deepFreeze(instance);
  return result;
}

/**
 * Each distinct class with its section options and description; a class
 * without valid `@SecretsSection` options is left out, its problems (and
 * those of its description) added to `problems`.
 */
function planSections<C extends Function>(classes: readonly C[], problems: SecretsProblem[]): Plan<C>[] {
  const plans: Plan<C>[] = [];
  for (const cls of new Set(classes)) {
    let options: ResolvedSectionOptions;
    try {
      options = getSectionOptions(cls);
    } catch (error) {
      if (!(error instanceof SecretsError)) throw error;
      const position = typeof cls === 'function' ? '' : `sections[${classes.indexOf(cls)}]: `;
      problems.push(...error.problems.map((p) => ({ ...p, message: position + p.message })));
      continue;
    }
    const described = describedDto(cls, options.name);
    problems.push(...described.problems);
    plans.push({ cls, options, dto: described.description, broken: described.problems.length > 0 });
  }
  return plans;
}

/** Section name → the DTOs claiming it, for unknown-key checks. */
function claimsBySection(plans: readonly Plan[]): Map<string, SectionClaim[]> {
  const claims = new Map<string, SectionClaim[]>();
  for (const plan of plans) {
    const list = claims.get(plan.options.name) ?? [];
    list.push({ dto: plan.dto, allowUnknownKeys: plan.options.allowUnknownKeys });
    claims.set(plan.options.name, list);
  }
  return claims;
}

function missingSection(plan: Plan, file: string | undefined): SecretsProblem {
  const { name } = plan.options;
  return {
    code: 'MISSING_SECTION',
    file,
    section: name,
    message: `missing section: ${plan.dto.name} requires [${name}] (declare @SecretsSection('${name}', { optional: true }) if it may be absent)`,
  };
}

/**
 * Converts the section's values and defines them on a new (redacting)
 * instance of the DTO, secrets hidden; `undefined` when the class cannot be
 * constructed. Problems are added to `problems`.
 */
function instantiate(
  plan: Plan,
  section: RawSection,
  file: string | undefined,
  problems: SecretsProblem[],
): Built | undefined {
  const conversion = convertSection(plan.dto, section, file, problems);
  let instance: object;
  try {
    const Redacted = redactedClassOf(plan.cls, [...plan.dto.properties.map((p) => p.property), ...plan.dto.members]);
    instance = new Redacted();
  } catch (error) {
    problems.push({
      code: 'INVALID_OPTION',
      section: section.name,
      message: `${plan.dto.name} could not be constructed without arguments: its constructor threw ${errorName(error)}`,
    });
    return undefined;
  }
  const declared = plan.dto.properties.map((p) => p.property);
  const secret = secretProperties(plan.cls, declared);
  const constructorSet: string[] = [];
  for (const property of plan.dto.properties) {
    // Defined rather than assigned: a setter on the DTO must not see the
    // value, and the property must be an own data property to be frozen.
    // A secret one is hidden from enumeration from the start (see hideSecrets).
    const converted = conversion.values.has(property.property);
    if (converted || !Object.prototype.hasOwnProperty.call(instance, property.property)) {
      const value = converted ? conversion.values.get(property.property) : undefined;
      Object.defineProperty(instance, property.property, {
        value,
        writable: true,
        enumerable: value === undefined || !secret.has(property.property),
        configurable: true,
      });
    } else constructorSet.push(property.property);
  }
  // Fields the constructor set itself are redacted in instanceToPlain too.
  redactedClassOf(plan.cls, Object.keys(instance));
  // Secrets are hidden from spread & co. before anything else sees the instance.
  hideSecrets(instance, plan.cls, declared, constructorSet);
  return { plan, section, instance, failed: conversion.failed };
}

/** Validates every built instance; the problems, with messages rebuilt without values. */
async function validateBuilt(
  built: readonly Built[],
  raw: RawSections,
  file: string | undefined,
): Promise<SecretsProblem[]> {
  const problems: SecretsProblem[] = [];
  let leaks: LeakCheck | undefined;
  for (const item of built) {
    const result = runValidation(item, file);
    // Awaited only when a constraint was asynchronous: a promise per section is measurable.
    const errors = result instanceof Promise ? await result : result;
    if (!Array.isArray(errors)) {
      problems.push(errors);
      continue;
    }
    // Built only when a message has to be rebuilt: it indexes every 6-character
    // slice of every value, a quarter of a successful load's time otherwise.
    if (errors.length === 0) continue;
    leaks ??= new LeakCheck(
      raw,
      built.map((b) => b.instance),
      built.flatMap((b) => [
        b.plan.dto.name,
        b.section.name,
        ...b.plan.dto.properties.flatMap((p) => [p.property, p.key]),
      ]),
    );
    problems.push(...(await validationProblems(item, errors, file, leaks)));
  }
  return problems;
}

/** class-validator's errors, or the problem to report when validating threw; a promise only when a constraint was asynchronous. */
function runValidation(
  item: Built,
  file: string | undefined,
): ValidationError[] | SecretsProblem | Promise<ValidationError[] | SecretsProblem> {
  // A throwing validator or message function: its message may quote the value.
  const threw = (error: unknown): SecretsProblem => ({
    code: 'VALIDATION',
    file,
    section: item.section.name,
    line: item.section.line,
    message: `validating ${item.plan.dto.name} threw ${errorName(error)} (its message is not shown: it may quote a value)`,
  });
  try {
    const errors = validateInstance(item.instance, {
      validationError: { target: false, value: false },
      // NO_RULES is reported per class beforehand; class-validator's own
      // "an unknown value was passed" must never be seen.
      forbidUnknownValues: false,
    });
    return errors instanceof Promise ? errors.catch(threw) : errors;
  } catch (error) {
    return threw(error);
  }
}

async function validationProblems(
  item: Built,
  errors: readonly ValidationError[],
  file: string | undefined,
  leaks: LeakCheck,
): Promise<SecretsProblem[]> {
  const problems: SecretsProblem[] = [];
  for (const error of errors) {
    const property = item.plan.dto.properties.find((p) => p.property === error.property);
    // A property that failed conversion is undefined on the instance; its
    // validation errors would only restate the conversion problem.
    if (property && item.failed.has(property.property)) continue;
    const key = property?.key ?? error.property;
    const value = item.section.values.get(key);
    const { at, suffix } = value ? valueProblemAt(value, file) : { at: { file }, suffix: '' };
    const messages: string[] = [];
    await collectMessages(error, item.instance, undefined, error.property, true, messages, leaks);
    for (const message of messages) {
      problems.push({ code: 'VALIDATION', ...at, section: item.section.name, key, message: message + suffix });
    }
  }
  return problems;
}

/**
 * Appends one message per failed constraint in `error` and its children.
 * `owner` is the object holding the property; `arrayOwner` the metadata
 * owner when `owner` is an array whose items are validated (`@ValidateNested`
 * over a list). Nested messages are prefixed with their path.
 */
async function collectMessages(
  error: ValidationError,
  owner: unknown,
  arrayOwner: { cls: Function; property: string } | undefined,
  path: string,
  root: boolean,
  out: string[],
  leaks: LeakCheck,
): Promise<void> {
  const value =
    owner !== null && typeof owner === 'object' ? (owner as Record<string, unknown>)[error.property] : undefined;
  // A value that is not there fails every other rule too: say only that.
  const types = Object.keys(error.constraints ?? {});
  for (const type of types.includes('isDefined') ? ['isDefined'] : types) {
    const message = await rebuildMessage(owner, error.property, value, type, arrayOwner, leaks);
    out.push(root ? message : `${path}: ${message}`);
  }
  const childArrayOwner =
    Array.isArray(value) && owner !== null && typeof owner === 'object'
      ? { cls: (owner as object).constructor, property: error.property }
      : undefined;
  for (const child of error.children ?? []) {
    const childPath = /^\d+$/.test(child.property) ? `${path}[${child.property}]` : `${path}.${child.property}`;
    await collectMessages(child, value, childArrayOwner, childPath, false, out, leaks);
  }
}

interface Candidate {
  readonly metadata: ValidationMetadata;
  readonly constraint?: ConstraintMetadata;
}

/**
 * The message of constraint `type` failing on `owner[property]`, built from
 * metadata with redacted arguments. Falls back to `failed <type>` when the
 * metadata cannot be found, building the message throws, or the result
 * still contains (part of) a value.
 */
async function rebuildMessage(
  owner: unknown,
  property: string,
  value: unknown,
  type: string,
  arrayOwner: { cls: Function; property: string } | undefined,
  leaks: LeakCheck,
): Promise<string> {
  const fallback = `failed ${type}`;
  const lookupCls = arrayOwner?.cls ?? (owner !== null && typeof owner === 'object' ? owner.constructor : undefined);
  const lookupProperty = arrayOwner?.property ?? property;
  if (typeof lookupCls !== 'function') return fallback;
  const { getMetadataStorage, ValidationTypes } = classValidator();
  const storage = getMetadataStorage();
  const candidates: Candidate[] = [];
  for (const metadata of validationMetadatas(lookupCls)) {
    if (metadata.propertyName !== lookupProperty) continue;
    if (metadata.type === ValidationTypes.CUSTOM_VALIDATION) {
      for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
        if ((constraint.name || metadata.type) === type) candidates.push({ metadata, constraint });
      }
    } else if (metadata.type === type) {
      candidates.push({ metadata });
    }
  }
  if (candidates.length === 0) return fallback;
  const chosen = candidates.length === 1 ? candidates[0]! : await lastFailing(candidates, owner, property, value);
  const args: ValidationArguments = {
    targetName: lookupCls.name,
    property: chosen.metadata.propertyName,
    object: redactedCopy(arrayOwner ? undefined : owner),
    value: REDACTED,
    constraints: chosen.metadata.constraints,
  };
  let message: unknown;
  try {
    const template = chosen.metadata.message;
    if (typeof template === 'function') message = template(args);
    else if (typeof template === 'string' && template !== '') message = template;
    else if (chosen.constraint && typeof chosen.constraint.instance.defaultMessage === 'function') {
      message = chosen.constraint.instance.defaultMessage(args);
    }
  } catch {
    return fallback;
  }
  if (typeof message !== 'string' || message === '') return fallback;
  const text = replaceTokens(message, args);
  return leaks.contains(text) ? fallback : text;
}

/**
 * Several rules may report under one name (two `@Matches`); class-validator
 * keeps the last failing one's message, so find that one.
 */
async function lastFailing(
  candidates: Candidate[],
  owner: unknown,
  property: string,
  value: unknown,
): Promise<Candidate> {
  let chosen = candidates[candidates.length - 1]!;
  for (const candidate of candidates) {
    if (!candidate.constraint) continue;
    const args: ValidationArguments = {
      targetName: (owner as object | undefined)?.constructor?.name ?? '',
      property,
      object: owner as object,
      value,
      constraints: candidate.metadata.constraints,
    };
    try {
      const items = candidate.metadata.each && Array.isArray(value) ? value : [value];
      let ok = true;
      for (const item of items) ok = ok && Boolean(await candidate.constraint.instance.validate(item, args));
      if (!ok) chosen = candidate;
    } catch {
      chosen = candidate;
    }
  }
  return chosen;
}

/** The owner with every own value replaced, for message functions that read `args.object`. */
function redactedCopy(owner: unknown): object {
  const copy: Record<string, unknown> =
    owner !== null && typeof owner === 'object' ? Object.create(Object.getPrototypeOf(owner)) : {};
  if (owner !== null && typeof owner === 'object') {
    for (const key of shownKeys(owner)) copy[key] = REDACTED;
  }
  return copy;
}

/** class-validator's `$constraintN`, `$value`, `$property`, `$target` tokens, with the value redacted. */
function replaceTokens(message: string, args: ValidationArguments): string {
  let text = message;
  args.constraints?.forEach((constraint: unknown, index: number) => {
    text = text.replace(new RegExp(`\\$constraint${index + 1}`, 'g'), () => constraintToString(constraint));
  });
  return text
    .replace(/\$value/g, REDACTED)
    .replace(/\$property/g, () => args.property)
    .replace(/\$target/g, () => args.targetName);
}

function constraintToString(constraint: unknown): string {
  if (Array.isArray(constraint)) return constraint.join(', ');
  if (typeof constraint === 'symbol') return constraint.description ?? '';
  return `${constraint as string}`;
}

/**
 * The last defence against a message that quotes a value anyway (a message
 * function closing over something, a constraint that happens to equal the
 * value). The rule, for every value:
 *
 * - 8 characters or more: the message leaks when it contains any 4 consecutive
 *   characters of the value (a message quoting `value.slice(0, 4)` falls back);
 * - 4 to 7 characters: when it contains the whole value;
 * - shorter (`on`, `443`): never — such values cannot be told apart from
 *   ordinary words and are not secrets worth the name.
 *
 * The values are every raw value of every section plus every string inside
 * the built instances (a `@Transform` may derive new strings). Names
 * (classes, sections, keys, properties) are not secrets and appear in most
 * messages: they are taken out of a message before it is checked, as is our
 * own `[REDACTED]`, so that a value which happens to contain `secret` does not
 * hide `consumer_secret must be a string`. A message that leaks is replaced by
 * `failed <constraint>`. Indexing is linear in the values and checking linear
 * in the message: the fragments are a Set of 4-character strings, and the
 * whole short values a Set looked up with 4 to 7 characters per position.
 */
const WORD = /[A-Za-z0-9_-]+/g;
const NOT_WORD = /[^A-Za-z0-9_-]+/;

export class LeakCheck {
  /** Length of the fragments looked for. */
  static readonly FRAGMENT = 4;
  /** Values at least this long are looked for by fragment; shorter ones (from FRAGMENT) whole. */
  static readonly LONG = 8;
  private readonly fragments = new Set<string>();
  private readonly whole = new Set<string>();

  // Parts of names (split like words), looked up per word of a message: linear
  // in the message, however many classes and keys there are.
  private readonly names = new Set<string>();

  constructor(raw: RawSections, instances: readonly object[] = [], names: Iterable<string> = []) {
    for (const name of names) for (const part of name.split(NOT_WORD)) if (part.length >= 3) this.names.add(part);
    for (const section of raw.values()) for (const v of section.values.values()) this.add(v.value);
    const seen = new WeakSet<object>();
    const walk = (value: unknown, depth: number): void => {
      if (typeof value === 'string') this.add(value);
      else if (typeof value === 'number' || typeof value === 'bigint') this.add(String(value));
      else if (value !== null && typeof value === 'object' && depth < 8 && !seen.has(value)) {
        seen.add(value);
        // shownKeys: a loaded instance's secret properties are not enumerable.
        for (const key of shownKeys(value)) walk((value as Record<string, unknown>)[key], depth + 1);
      }
    };
    for (const instance of instances) walk(instance, 0);
  }

  private add(value: string): void {
    const { FRAGMENT, LONG } = LeakCheck;
    if (value.length < FRAGMENT) return;
    if (value.length < LONG) {
      this.whole.add(value);
      return;
    }
    for (let i = 0; i + FRAGMENT <= value.length; i++) this.fragments.add(value.slice(i, i + FRAGMENT));
  }

  /** Whether `message` contains a value or a fragment of one (see the class comment). */
  contains(message: string): boolean {
    const { FRAGMENT, LONG } = LeakCheck;
    const text = message
      .split(REDACTED)
      .join('\u0000')
      .replace(WORD, (word) => (this.names.has(word) ? '\u0000' : word));
    const checkWhole = this.whole.size > 0;
    for (let i = 0; i + FRAGMENT <= text.length; i++) {
      if (this.fragments.has(text.slice(i, i + FRAGMENT))) return true;
      if (!checkWhole) continue;
      for (let length = FRAGMENT; length < LONG && i + length <= text.length; length++) {
        if (this.whole.has(text.slice(i, i + length))) return true;
      }
    }
    return false;
  }
}
