/**
 * Section strings → property values, by `design:type`. Our own converter,
 * not class-transformer's implicit conversion: `Number('')` is `0`,
 * `Number('12abc')` is `NaN` and `Boolean('false')` is `true`, none of which
 * may reach a DTO. Messages name the class and property, never the value.
 */
import type { TransformFnParams } from 'class-transformer';
import { PLAIN_TO_CLASS } from './libraries';
import type { DtoDescription, DtoProperty } from './keys';
import { errorName, isPresentableName, type SecretsProblem } from '../errors';
import type { RawSection } from '../model';
import { valueProblemAt } from '../sources/origin';
import { suggest } from './suggest';

/** The result of converting one string: a value, or why not (without the value). */
export type Conversion =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

const NUMBER = /^-?\d+(\.\d+)?$/;
const INTEGER = /^-?\d+$/;
const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

const NUMBER_HINT = "digits with an optional leading '-' and decimal part, e.g. 8080, -3 or 0.25";
const BOOLEAN_HINT = 'true/false, yes/no, on/off or 1/0 (any case)';
const SUPPORTED = 'string, number, boolean, bigint, or an array of string, number or boolean';

/**
 * Converts one non-empty string to `type`:
 * - `String`, and `Object` (what `design:type` says for `any`, `unknown`,
 *   unions and interfaces): the string unchanged;
 * - `Number`: the whole string matches `-?\d+(\.\d+)?`; integers must be
 *   safe integers, decimals finite;
 * - `Boolean`: `true/false/yes/no/on/off/1/0`, any case;
 * - `BigInt`: `-?\d+`;
 * - `Array`: split at commas, items trimmed of spaces and tabs, empty items
 *   dropped, each converted to `itemType` (default `String`; not `Array`).
 *
 * Any other type is not converted (`ok: false`). `subject` names the target
 * in messages (e.g. `FacebookSecrets.port`).
 */
export function convertString(raw: string, type: Function, subject: string, itemType?: Function): Conversion {
  if (type === Array) {
    const item = itemType ?? String;
    if (item === Array || !isScalar(item)) {
      return {
        ok: false,
        message: `cannot convert list items to ${typeName(item)}: ${subject} must be declared as ${SUPPORTED}; for other types add @Transform`,
      };
    }
    const values: unknown[] = [];
    const items = raw
      .split(',')
      .map(trimSpacesAndTabs)
      .filter((s) => s !== '');
    for (const [index, text] of items.entries()) {
      const converted = convertScalar(text, item, subject);
      if (!converted.ok) return { ok: false, message: `item ${index + 1}: ${converted.message}` };
      values.push(converted.value);
    }
    return { ok: true, value: values };
  }
  if (!isScalar(type)) {
    return {
      ok: false,
      message: `cannot convert to ${typeName(type)}: ${subject} must be declared as ${SUPPORTED}; for other types add @Transform`,
    };
  }
  return convertScalar(raw, type, subject);
}

function isScalar(type: Function): boolean {
  return type === String || type === Object || type === Number || type === Boolean || type === BigInt;
}

function convertScalar(raw: string, type: Function, subject: string): Conversion {
  if (type === Number) {
    if (!NUMBER.test(raw)) return { ok: false, message: `not a number: ${subject} expects ${NUMBER_HINT}` };
    const value = Number(raw);
    if (INTEGER.test(raw) && !Number.isSafeInteger(value)) {
      return {
        ok: false,
        message: `integer out of range: ${subject} expects at most ${Number.MAX_SAFE_INTEGER} in magnitude (declare it bigint or string for larger integers)`,
      };
    }
    if (!Number.isFinite(value))
      return { ok: false, message: `number out of range: ${subject} expects a finite number` };
    return { ok: true, value };
  }
  if (type === Boolean) {
    const lower = raw.toLowerCase();
    if (TRUE.has(lower)) return { ok: true, value: true };
    if (FALSE.has(lower)) return { ok: true, value: false };
    return { ok: false, message: `not a boolean: ${subject} expects ${BOOLEAN_HINT}` };
  }
  if (type === BigInt) {
    if (!INTEGER.test(raw))
      return { ok: false, message: `not an integer: ${subject} expects digits with an optional leading '-'` };
    return { ok: true, value: BigInt(raw) };
  }
  return { ok: true, value: raw };
}

/** What {@link convertSection} produced for one DTO. */
export interface SectionConversion {
  /** Property → value to define on the instance (absent/empty optional keys are left out). */
  readonly values: Map<string, unknown>;
  /** Properties that have a problem; their validation errors would only repeat it. */
  readonly failed: Set<string>;
}

/**
 * Converts the declared keys of `dto` found in `section`, adding a problem
 * for each key that is absent (`MISSING_KEY`, at the section header line),
 * empty (`EMPTY_VALUE`), or not convertible (`CONVERSION`), unless the
 * property is `@IsOptional()`/`@ValidateIf()`, in which case an absent or
 * empty key is left out (the instance keeps its initializer, usually
 * `undefined`). A property with a reading `@Transform` gets the raw string
 * through its transform functions instead of our converter. Keys the DTO
 * does not declare are ignored here (see {@link findUnknownKeys}).
 */
export function convertSection(
  dto: DtoDescription,
  section: RawSection,
  file: string | undefined,
  problems: SecretsProblem[],
): SectionConversion {
  const values = new Map<string, unknown>();
  const failed = new Set<string>();
  // Transforms see the section as class-transformer would pass it: the plain
  // object of raw strings keyed by INI key.
  let plain: Record<string, string> | undefined;
  const found: SecretsProblem[] = [];
  for (const property of dto.properties) {
    const raw = section.values.get(property.key);
    const at = { file, section: section.name, key: property.key };
    const subject = `${dto.name}.${property.property}`;
    if (raw === undefined || raw.value === '') {
      if (property.conditional) continue;
      failed.add(property.property);
      found.push(
        raw === undefined
          ? {
              code: 'MISSING_KEY',
              ...at,
              line: section.line,
              message: `missing key: ${subject} is required (mark it @IsOptional() to allow leaving it out)`,
            }
          : {
              code: 'EMPTY_VALUE',
              ...at,
              ...valueProblemAt(raw, file).at,
              message: `empty value: ${subject} is required (mark it @IsOptional() to allow an empty value)${valueProblemAt(raw, file).suffix}`,
            },
      );
      continue;
    }
    let converted: Conversion;
    if (property.transforms.length > 0) {
      plain ??= Object.fromEntries([...section.values].map(([key, v]) => [key, v.value]));
      converted = runTransforms(property, raw.value, plain, subject);
    } else {
      converted = convertByType(property, raw.value, subject);
    }
    if (converted.ok) {
      values.set(property.property, converted.value);
    } else {
      failed.add(property.property);
      const { at: where, suffix } = valueProblemAt(raw, file);
      found.push({ code: 'CONVERSION', ...at, ...where, message: converted.message + suffix });
    }
  }
  // Report in file order so the list reads alongside the file; values from
  // overrides and other sources (no line) come last.
  found.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  problems.push(...found);
  return { values, failed };
}

function convertByType(property: DtoProperty, raw: string, subject: string): Conversion {
  const designType = property.designType ?? Object;
  let declared: unknown;
  if (property.typeFunction && (designType === Array || designType === Object)) {
    try {
      declared = property.typeFunction();
    } catch (error) {
      return { ok: false, message: `the @Type function of ${subject} threw ${errorName(error)}` };
    }
    if (typeof declared !== 'function') {
      return { ok: false, message: `the @Type function of ${subject} did not return a class` };
    }
  }
  if (designType === Array) return convertString(raw, Array, subject, declared as Function | undefined);
  // `x: number | undefined` is Number, but `x: number | string` is Object; a
  // @Type(() => Number) says which was meant.
  if (designType === Object && declared !== undefined && declared !== Array) {
    return convertString(raw, declared as Function, subject);
  }
  return convertString(raw, designType, subject);
}

function runTransforms(property: DtoProperty, raw: string, plain: Record<string, string>, subject: string): Conversion {
  let value: unknown = raw;
  for (const transform of property.transforms) {
    try {
      value = transform({
        value,
        key: property.property,
        obj: plain,
        type: PLAIN_TO_CLASS,
        options: {},
      } satisfies TransformFnParams);
    } catch (error) {
      // The error's message may quote the value it choked on (JSON.parse does).
      return {
        ok: false,
        message: `the @Transform of ${subject} threw ${errorName(error)} (its message is not shown: it may quote the value)`,
      };
    }
  }
  return { ok: true, value };
}

/** How many declared keys an UNKNOWN_KEY message lists at most. */
const MAX_LISTED_KEYS = 20;

/** One DTO claiming a section, with its options, for {@link findUnknownKeys}. */
export interface SectionClaim {
  readonly dto: DtoDescription;
  readonly allowUnknownKeys: boolean;
}

/**
 * `UNKNOWN_KEY` problems for the keys of `section` that no claiming DTO
 * declares, each with a did-you-mean suggestion when a declared key is
 * close. None when any claiming DTO allows unknown keys: the keys may be
 * meant for it.
 */
export function findUnknownKeys(
  section: RawSection,
  claims: readonly SectionClaim[],
  file: string | undefined,
): SecretsProblem[] {
  if (claims.length === 0 || claims.some((c) => c.allowUnknownKeys)) return [];
  const declared = new Set<string>();
  for (const claim of claims) for (const key of claim.dto.byKey.keys()) declared.add(key);
  const absent = [...declared].filter((key) => !section.values.has(key));
  const problems: SecretsProblem[] = [];
  const owners = claims.map((c) => c.dto.name).join(' and ');
  const verb = claims.length > 1 ? 'declare' : 'declares';
  const listed = [...declared].slice(0, MAX_LISTED_KEYS).join(', ') + (declared.size > MAX_LISTED_KEYS ? ', …' : '');
  for (const [key, raw] of section.values) {
    if (declared.has(key)) continue;
    if (!isPresentableName(key)) {
      // Likely a value line (a wrapped base64 secret ending in "="): never shown.
      const { at, suffix } = valueProblemAt(raw, file);
      problems.push({
        code: 'UNKNOWN_KEY',
        ...at,
        section: section.name,
        message: `unknown key (not shown: it looks like a value — a wrapped or pasted line?)${suffix}`,
      });
      continue;
    }
    // Prefer a declared key that is missing from the section: that is the likely typo.
    const guess = suggest(key, absent) ?? suggest(key, declared);
    const message = guess
      ? `unknown key (did you mean '${guess}'?)`
      : declared.size
        ? `unknown key (${owners} ${verb}: ${listed})`
        : `unknown key (${owners} ${verb} no keys)`;
    const { at, suffix } = valueProblemAt(raw, file);
    problems.push({ code: 'UNKNOWN_KEY', ...at, section: section.name, key, message: message + suffix });
  }
  return problems;
}

/**
 * Trims spaces and tabs only, as the file format does. An index loop, not
 * `/[ \t]+$/`: V8 retries that pattern at every blank of a long inner run,
 * which is quadratic in the run's length (60 KB of spaces took 2 s).
 */
function trimSpacesAndTabs(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function typeName(type: Function): string {
  return type.name || 'an anonymous class';
}
