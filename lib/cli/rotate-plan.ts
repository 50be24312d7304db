/**
 * What `nest-secrets rotate` will change, decided before anything is
 * written: which keys, the shape of each new token, and where its
 * characters go in the text. Messages name sections, keys, lines and shapes,
 * never a value.
 */
import { isConventionalVariableName } from '../sources/template';
import { isDeepStrictEqual } from 'node:util';
import { isPresentableName, ProblemCollector, SecretsError, type SecretsProblem } from '../errors';
import type { ParsedFile, ParsedSection, Template } from '../model';
import { suggest } from '../dto/suggest';
import { parseIni } from '../sources/parse';
import { CliError } from './context';
import {
  bytesOfShape,
  capacityBytes,
  DEFAULT_TOKEN_BYTES,
  MIN_GENERATED_LENGTH,
  shapeOfBytes,
  tokenOfShape,
  tokenShape,
  type TokenEncoding,
  type TokenShape,
} from './tokens';
import { replaceSpans, textLines, valueSpan, type ValueSpan } from './value-span';

/** A key named on the command line. */
export interface KeyPath {
  readonly section: string;
  readonly key: string;
}

/**
 * `section.key` split at its last dot (a section name may hold dots, a key
 * may not): `oauth.github.secret` is key `secret` of `[oauth.github]`.
 *
 * @returns `undefined` when there is no dot, or nothing before or after it
 */
export function parseKeyPath(argument: string): KeyPath | undefined {
  const dot = argument.lastIndexOf('.');
  if (dot <= 0 || dot === argument.length - 1) return undefined;
  return { section: argument.slice(0, dot), key: argument.slice(dot + 1) };
}

/** How the new tokens are shaped, from `--force`, `--bytes` and `--base64url` / `--hex`. */
export interface ShapeOptions {
  /** Replace values that do not look generated (empty, a reference, a password…) too. */
  readonly force: boolean;
  /** Random bytes of each new token (1…`MAX_TOKEN_BYTES`); default: as many as the current one carries. */
  readonly bytes?: number;
  /** Encoding of each new token; default: the current one's (hex when it has none). */
  readonly encoding?: TokenEncoding;
}

/** One planned replacement. */
export interface Rotation {
  readonly path: KeyPath;
  /** Line of the key in the (decrypted) text. */
  readonly line: number;
  readonly span: ValueSpan;
  readonly shape: TokenShape;
  /** The new value. */
  readonly token: string;
}

/**
 * Plans the rotation of `paths` (duplicates dropped) in `text`, which
 * `parseIni` parsed into `parsed`.
 *
 * @throws SecretsError with every problem at once: `NOT_FOUND` for a section
 *   or key not in the file (with a suggestion), `INVALID_OPTION` for a value
 *   that does not look generated (without `force`) or cannot be rewritten safely
 */
export function planRotations(
  text: string,
  parsed: ParsedFile,
  file: string,
  paths: readonly KeyPath[],
  options: ShapeOptions,
): Rotation[] {
  const lines = textLines(text);
  const problems = new ProblemCollector();
  const rotations: Rotation[] = [];
  const seen = new Set<string>();
  for (const [index, path] of paths.entries()) {
    if (seen.has(`${path.section}\n${path.key}`)) continue;
    seen.add(`${path.section}\n${path.key}`);
    const section = parsed.sections.get(path.section);
    const entry = section?.entries.get(path.key);
    if (!section || !entry) {
      problems.add(notFound(parsed, section, path, file, index + 1));
      continue;
    }
    const at = { file, line: entry.line, section: path.section, key: path.key };
    const span = valueSpan(lines, entry.line);
    const refusal = options.force ? undefined : whyNotGenerated(entry.template, 'refused' in span || !span.quote);
    if (refusal !== undefined || 'refused' in span) {
      problems.add({ code: 'INVALID_OPTION', ...at, message: refusal ?? (span as { refused: string }).refused });
      continue;
    }
    rotations.push({ path, line: entry.line, span, ...freshToken(entry.template, options) });
  }
  problems.throwIfAny();
  return rotations;
}

/** Names a value-like name (a pasted token, a JWT's dotted parts) by its argument, never by itself. */
const notShown = (argument: number) => ` (argument ${argument}; its name is not shown, in case it is a value)`;

/**
 * The problem of a section or key that is not in the file, with the closest
 * name there when one is close; a name from the command line that looks like
 * a value is replaced by its argument number (1-based among the keys).
 */
function notFound(
  parsed: ParsedFile,
  section: ParsedSection | undefined,
  path: KeyPath,
  file: string,
  argument: number,
): SecretsProblem {
  if (!section) {
    if (!isPresentableName(path.section))
      return { code: 'NOT_FOUND', file, message: `no such section${notShown(argument)}` };
    const near = suggest(path.section, [...parsed.sections.keys()].filter(isPresentableName));
    return {
      code: 'NOT_FOUND',
      file,
      section: path.section,
      message: `no such section${near === undefined ? '' : ` (did you mean [${near}]?)`}`,
    };
  }
  const at = { code: 'NOT_FOUND', file, line: section.line, section: section.name } as const;
  if (!isPresentableName(path.key)) return { ...at, message: `no such key in this section${notShown(argument)}` };
  const near = suggest(path.key, [...section.entries.keys()].filter(isPresentableName));
  return {
    ...at,
    key: path.key,
    message: `no such key in this section${near === undefined ? '' : ` (did you mean ${near}?)`}`,
  };
}

const WITHOUT_FORCE = `; rotate replaces generated-looking tokens only (${MIN_GENERATED_LENGTH} or more characters: hex, or letters and digits mixed, alone or as base64url or base64 write them): use --force to replace it anyway`;

/** A token, blanks, then what reads as a comment but is not one in an unquoted value. */
const TOKEN_THEN_COMMENT = /^(\S+)[ \t]+[#;]/;

/**
 * Why a value is not taken for a generated token (a sentence ending), or
 * `undefined` when it is one; `unquoted` tells a ` ; comment` after a token
 * (part of an unquoted value) apart from other values.
 */
function whyNotGenerated(template: Template, unquoted: boolean): string | undefined {
  if (template.length === 0) return `is empty${WITHOUT_FORCE}`;
  const reference = template.find((part) => typeof part !== 'string');
  if (reference !== undefined) {
    // Only a conventional name is shown: any other may be the rest of a password after a literal `$`.
    const named = isConventionalVariableName(reference.name) ? `$${reference.name}` : 'a $ reference';
    return `reads a variable (${named}), whose value is set elsewhere: rotate it there, or use --force to replace the reference with a token`;
  }
  const value = template.join('');
  if (tokenShape(value) !== undefined) return undefined;
  const first = unquoted ? TOKEN_THEN_COMMENT.exec(value)?.[1] : undefined;
  if (first !== undefined && tokenShape(first) !== undefined) {
    return 'holds a token then a "#" or ";" comment, which in an unquoted value is part of the value (there are no inline comments): quote the token (key = "token" ; comment) and rotate again, or use --force to replace the whole value';
  }
  if (value.length < MIN_GENERATED_LENGTH) return `is shorter than ${MIN_GENERATED_LENGTH} characters${WITHOUT_FORCE}`;
  return `is not a mix of letters and digits (alone, or with base64url's "-" "_" or base64's "+" "/" "=")${WITHOUT_FORCE}`;
}

/**
 * The shape of the new token and the token: the current value's shape
 * unless the options change it (hex of {@link DEFAULT_TOKEN_BYTES} bytes when
 * the value has none, or more when the value could hold more
 * ({@link capacityBytes}), so that a forced token is never weaker; hex
 * when `--bytes` alone is given for a UUID),
 * upper-case hex and UUIDs kept upper-case, a `0x` kept for hex, never
 * equal to the current value.
 */
function freshToken(template: Template, options: ShapeOptions): { shape: TokenShape; token: string } {
  const current = template.length === 1 && typeof template[0] === 'string' ? template[0] : undefined;
  const currentShape = current === undefined ? undefined : tokenShape(current);
  // A UUID holds 122 random bits whatever --bytes says: --bytes alone writes hex then.
  const kept = currentShape?.encoding === 'uuid' && options.bytes !== undefined ? 'hex' : currentShape?.encoding;
  const encoding = options.encoding ?? kept ?? 'hex';
  const sameShape = currentShape && options.bytes === undefined && encoding === currentShape.encoding;
  const bytes =
    options.bytes ??
    (currentShape ? bytesOfShape(currentShape) : Math.max(DEFAULT_TOKEN_BYTES, capacityBytes(current ?? '')));
  const prefix = encoding === currentShape?.encoding ? currentShape.prefix : undefined;
  const shape = sameShape
    ? currentShape
    : { ...shapeOfBytes(encoding, bytes, currentShape?.alphabet), ...(prefix !== undefined && { prefix }) };
  const skip = shape.prefix?.length ?? 0;
  const digits = current?.slice(skip) ?? '';
  const upper =
    (shape.encoding === 'hex' || shape.encoding === 'uuid') && /[A-F]/.test(digits) && !/[a-f]/.test(digits);
  for (;;) {
    const fresh = tokenOfShape(shape);
    const token = upper ? fresh.slice(0, skip) + fresh.slice(skip).toUpperCase() : fresh;
    if (token !== current) return { shape, token };
  }
}

/**
 * `text` with every rotation applied, checked: parsed again, it must have
 * the same sections, keys, lines and values but for the rotated keys, which
 * hold their new tokens.
 *
 * @throws CliError when it does not (a defect: nothing may be written then)
 */
export function rewrite(text: string, parsed: ParsedFile, file: string, rotations: readonly Rotation[]): string {
  const next = replaceSpans(
    text,
    rotations.map(({ span, token }) => ({ span, value: token })),
  );
  const expected = new Map(rotations.map((r) => [`${r.path.section}\n${r.path.key}`, [r.token]]));
  let reparsed: ParsedFile;
  try {
    reparsed = parseIni(next, file);
  } catch (error) {
    if (!(error instanceof SecretsError)) throw error;
    reparsed = { sections: new Map() };
  }
  const shape = (f: ParsedFile, replace: boolean) =>
    [...f.sections.values()].map((s) => ({
      name: s.name,
      line: s.line,
      entries: [...s.entries.values()].map((e) => ({
        ...e,
        template: (replace && expected.get(`${s.name}\n${e.key}`)) || e.template,
      })),
    }));
  if (!isDeepStrictEqual(shape(parsed, true), shape(reparsed, false))) {
    throw new CliError(
      `${file}: could not rewrite the values safely (a defect, please report it); nothing was changed`,
    );
  }
  return next;
}
