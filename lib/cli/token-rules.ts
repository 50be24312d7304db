/**
 * Whether `init --sections` may write a random token for a declared key, and
 * of which shape: read from the key's class-validator rules (metadata only),
 * never guessed from its name.
 *
 * A key gets a token when it is a secret (no `@NotSecret`), required (no
 * `@IsOptional`/`@ValidateIf`), a `string` without `@Transform`, and each of
 * its rules is one of {@link TOKEN_RULES}. The token is
 * {@link DEFAULT_TOKEN_CHARS} characters long, moved into the bounds of its
 * length rules; it is lower-case hex when every rule accepts hex tokens, else
 * base64url when every rule accepts those (e.g. a `@Matches` that needs a
 * capital letter), else the key is left to fill in.
 */
import type { ValidationArguments, ValidatorConstraintInterface } from 'class-validator';
import { classValidator } from '../dto/libraries';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import type { DtoProperty } from '../dto/keys';
import { placeholderRule } from './placeholders';
import { base64urlChars, DEFAULT_TOKEN_BYTES, hexToken, MAX_TOKEN_BYTES, MIN_GENERATED_LENGTH } from './tokens';
import type { TokenEncoding } from './tokens';

/** Characters of a token when no length rule asks otherwise: 40 (20 bytes as hex). */
export const DEFAULT_TOKEN_CHARS = 2 * DEFAULT_TOKEN_BYTES;
/** Longest token: 2048 characters. */
const MAX_TOKEN_CHARS = 2 * MAX_TOKEN_BYTES;

/**
 * The class-validator rules (by their registered name) that a random token
 * can satisfy; any other rule (`isUrl`, `isEmail`, `isInt`, `isIn`,
 * `isBoolean`, a custom constraint…) means the key is filled in by hand.
 * `@IsDefined` and `@Allow` never stand in the way.
 */
export const TOKEN_RULES: ReadonlySet<string> = new Set([
  'isString',
  'isNotEmpty',
  'minLength',
  'maxLength',
  'isLength',
  'isByteLength',
  'isHexadecimal',
  'isAlphanumeric',
  'isAscii',
  'isLowercase',
  'matches',
]);

/** Rules that never stand in the way of a token (`@IsOptional`/`@ValidateIf` make the key optional first). */
function neutralRuleTypes(): ReadonlySet<string> {
  const { ValidationTypes } = classValidator();
  return new Set([ValidationTypes.CONDITIONAL_VALIDATION, ValidationTypes.IS_DEFINED, ValidationTypes.WHITELIST]);
}

/** Sample tokens that must all pass the rules for an encoding to be chosen. */
const SAMPLES = 20;
/** Draws before {@link drawToken} gives up on a token the rules refuse. */
const MAX_DRAWS = 100;

/** A key that gets a fresh token in every rendered file. */
export interface TokenPlan {
  readonly kind: 'token';
  readonly encoding: TokenEncoding;
  /** Characters of the token. */
  readonly length: number;
  /** Whether every rule of the key accepts `value`. */
  readonly accepts: (value: string) => boolean;
}

/** A key written empty, with `# fill in (<reason>)` above it. */
export interface FillPlan {
  readonly kind: 'fill';
  /** Why no token: `not secret`, `optional`, `a number`, `rules: isUrl`… */
  readonly reason: string;
  /** Whether `check` accepts the key empty (`@IsOptional`/`@ValidateIf`). */
  readonly optional: boolean;
}

/** What `init --sections` writes for one key: a fresh token, or an empty value to fill in. */
export type KeyPlan = TokenPlan | FillPlan;

/** One declaration of a key: the property (of one claiming class) and its class-validator rules. */
export interface KeyDeclaration {
  readonly property: DtoProperty;
  readonly rules: readonly ValidationMetadata[];
}

/**
 * What `init --sections` writes for a key declared by `declarations` (one
 * per class claiming its section; all of them must accept the value).
 */
export function planKey(declarations: readonly KeyDeclaration[]): KeyPlan {
  const optional = declarations.some(({ property }) => property.conditional);
  const fill = (reason: string): FillPlan => ({ kind: 'fill', reason, optional });
  if (declarations.some(({ property }) => property.notSecret)) {
    return fill(optional ? 'not secret, optional' : 'not secret');
  }
  if (optional) return fill('optional');
  for (const { property } of declarations) {
    if (property.transforms.length) return fill('@Transform');
    if (property.designType !== String) return fill(typeName(property.designType));
  }
  const neutral = neutralRuleTypes();
  const rules = declarations.flatMap((declaration) => declaration.rules).filter((r) => !neutral.has(r.type));
  const refused = [...new Set(rules.filter((rule) => rule.each || !TOKEN_RULES.has(rule.name ?? '')).map(ruleName))];
  if (refused.length) return fill(`rules: ${refused.join(', ')}`);
  const [min, max] = lengthBounds(rules);
  const length = Math.min(Math.max(DEFAULT_TOKEN_CHARS, min, MIN_GENERATED_LENGTH), max);
  if (length < Math.max(min, MIN_GENERATED_LENGTH) || length > MAX_TOKEN_CHARS) {
    return fill(`length rules allow no token of ${MIN_GENERATED_LENGTH} to ${MAX_TOKEN_CHARS} characters`);
  }
  const accepts = (value: string) => rules.every((rule) => ruleAccepts(rule, value));
  for (const encoding of ['hex', 'base64url'] as const) {
    const plan: TokenPlan = { kind: 'token', encoding, length, accepts };
    if (Array.from({ length: SAMPLES }, () => drawCandidate(plan)).every(accepts)) return plan;
  }
  return fill(`no hex or base64url token passes rules: ${[...new Set(rules.map(ruleName))].join(', ')}`);
}

/**
 * A fresh token of `plan`'s shape that its rules accept and that looks like
 * no placeholder `check` would report.
 *
 * @throws Error when 100 draws in a row are refused (rules that accept only
 *   a sliver of tokens; {@link planKey} tests 20 samples before choosing)
 */
export function drawToken(plan: TokenPlan): string {
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const token = drawCandidate(plan);
    if (plan.accepts(token) && placeholderRule(token) === undefined) return token;
  }
  throw new Error(
    `no ${plan.encoding} token of ${plan.length} characters passed the key's rules in ${MAX_DRAWS} draws`,
  );
}

function drawCandidate(plan: TokenPlan): string {
  return plan.encoding === 'hex' ? hexToken(plan.length) : base64urlChars(plan.length);
}

/** `[min, max]` characters allowed by `MinLength`, `MaxLength`, `Length`, `IsByteLength` and `IsNotEmpty`. */
function lengthBounds(rules: readonly ValidationMetadata[]): [number, number] {
  let min = 0;
  let max = Infinity;
  for (const rule of rules) {
    const [first, second] = (rule.constraints ?? []) as unknown[];
    const lower =
      rule.name === 'minLength' || rule.name === 'isLength' || rule.name === 'isByteLength' ? first : undefined;
    const upper =
      rule.name === 'maxLength' ? first : rule.name === 'isLength' || rule.name === 'isByteLength' ? second : undefined;
    if (rule.name === 'isNotEmpty') min = Math.max(min, 1);
    if (typeof lower === 'number') min = Math.max(min, Math.ceil(lower));
    if (typeof upper === 'number') max = Math.min(max, Math.floor(upper));
  }
  return [min, max];
}

/** The rule's own validator (class-validator's constraint class), run on `value` as `validate()` would. */
function ruleAccepts(rule: ValidationMetadata, value: string): boolean {
  const Constraint = rule.constraintCls as (new () => ValidatorConstraintInterface) | undefined;
  if (!Constraint) return false;
  const args: ValidationArguments = {
    value,
    constraints: rule.constraints ?? [],
    targetName: typeof rule.target === 'function' ? rule.target.name : String(rule.target),
    object: {},
    property: rule.propertyName,
  };
  const result = new Constraint().validate(value, args);
  return result === true;
}

/** `isUrl`, a `@Validate(Constraint)`'s class name, or the metadata type; ` (each)` for list rules. */
function ruleName(rule: ValidationMetadata): string {
  const name = rule.name ?? ((rule.constraintCls as Function | undefined)?.name || rule.type);
  return `${name}${rule.each ? ' (each)' : ''}`;
}

function typeName(type: Function | undefined): string {
  if (type === undefined) return 'type unknown';
  if (type === Number) return 'a number';
  if (type === Boolean) return 'a boolean';
  if (type === Array) return 'a list';
  return `a ${type.name || 'class'}`;
}
