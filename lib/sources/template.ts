/**
 * Scans the text of one value into a {@link Template}: literal text (already
 * unescaped) and variable references. Evaluation is a later stage; this one
 * only decides what the text means and reports every syntax problem in it.
 *
 * Columns are 1-based UTF-16 code unit offsets in the line (a tab counts as
 * one), the same unit JavaScript string indexes use, so they are cheap to
 * compute in one pass.
 */
import type { ProblemCollector } from '../errors';
import type { Reference, Template, TemplatePart } from '../model';

/** Where the scanned value sits, copied into every problem reported. */
export interface ScanContext {
  readonly problems: ProblemCollector;
  readonly file?: string | undefined;
  /** 1-based line of the value. */
  readonly line: number;
  readonly section?: string | undefined;
  readonly key?: string | undefined;
}

/**
 * How deeply `${A:-${B:-…}}` defaults may nest. Later stages walk templates
 * recursively; the limit keeps a hostile file from exhausting the stack there
 * or here. Real files nest one or two levels.
 */
export const MAX_REFERENCE_NESTING = 16;

/** Result of {@link scanDoubleQuoted}. */
export interface DoubleQuotedScan {
  readonly template: Template;
  /**
   * Index in the line just after the closing `"`, or `undefined` when the line
   * ends first (the caller reports the unterminated quote, once).
   */
  readonly end: number | undefined;
}

/**
 * Scans an unquoted value: interpolation only, no escapes (a backslash is
 * literal), no inline comments.
 *
 * Interpolation follows POSIX shell parameter expansion, restricted to
 * `$NAME` (longest `[A-Za-z_][A-Za-z0-9_]*`), `${NAME}`, `${NAME:-default}`
 * and `${NAME-default}`; `$$` is a literal `$`. Every other `$` is reported as
 * `BAD_REFERENCE` with the column of the `$`; a default's syntax is checked
 * even though it is only evaluated when used.
 *
 * @param text the value, already trimmed, without the rest of the line
 * @param startColumn 1-based column of `text[0]` in its line
 * @param ctx where problems go and what they are attributed to
 * @returns the template; adjacent literals are merged and no literal is empty
 *   (an empty value is `[]`). Never throws: problems go to `ctx.problems`.
 */
export function scanUnquoted(text: string, startColumn: number, ctx: ScanContext): Template {
  const scanner: Scanner = { src: text, base: startColumn, quoted: false, ctx };
  return scan(scanner, 0, false, 0).parts;
}

/**
 * Scans a double-quoted value starting at its opening `"`: JSON string escapes
 * (`\" \\ \/ \b \f \n \r \t \uXXXX`) and interpolation (as in
 * {@link scanUnquoted}) in one left-to-right scan, so escaped text is never
 * read as a reference and substituted text is never unescaped. The first
 * unescaped `"` ends the value, also inside `${…}` (the reference is then
 * reported as unclosed).
 *
 * Any other character after `\` is a `SYNTAX` problem. `\uXXXX` must encode a
 * scalar value: a high surrogate escape must be followed directly by a low
 * surrogate escape (`\uD83D\uDE00` is one emoji); a lone surrogate escape is a
 * `SYNTAX` problem, so a value is always a well-formed Unicode string.
 *
 * @param lineText the whole line, untrimmed, so that columns are exact
 * @param startIndex index of the opening `"` in `lineText`
 * @param ctx where problems go and what they are attributed to
 */
export function scanDoubleQuoted(lineText: string, startIndex: number, ctx: ScanContext): DoubleQuotedScan {
  const scanner: Scanner = { src: lineText, base: 1, quoted: true, ctx };
  const result = scan(scanner, startIndex + 1, false, 0);
  return { template: result.parts, end: result.stop === 'quote' ? result.pos + 1 : undefined };
}

interface Scanner {
  readonly src: string;
  /** Column of `src[0]`. */
  readonly base: number;
  readonly quoted: boolean;
  readonly ctx: ScanContext;
}

interface ScanResult {
  readonly parts: TemplatePart[];
  /** For 'quote': index of the `"`; for 'brace': index after the `}`; for 'end': `src.length`. */
  readonly pos: number;
  readonly stop: 'end' | 'quote' | 'brace';
}

const DOLLAR = 0x24;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COLON = 0x3a;
const MINUS = 0x2d;

/**
 * Whether a referenced variable's name may be shown in errors and CLI output:
 * a conventional environment variable name — upper case letters, digits and
 * `_`, not starting with a digit, at most 64 characters. Any other name after
 * a `$` (`Pa55$wordXYZsecret` reads `$wordXYZsecret`) may well be the rest of
 * a password whose `$` was meant literally, so it is never shown.
 */
export function isConventionalVariableName(name: string): boolean {
  return CONVENTIONAL_NAME.test(name);
}

const CONVENTIONAL_NAME = /^[A-Z_][A-Z0-9_]{0,63}$/;

/** Says how to write a `$` that is part of the value; ends every message about a `$`. */
export const LITERAL_DOLLAR_HINT = 'write $$ for a literal $, or single-quote the value to take it as written';

function isNameStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39);
}

const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);

/**
 * One level of template: the whole value, or a default (`inDefault`), which
 * ends at the first `}` that does not close a nested `${`. Recursion depth is
 * bounded by {@link MAX_REFERENCE_NESTING}.
 */
function scan(s: Scanner, from: number, inDefault: boolean, depth: number): ScanResult {
  const { src, quoted } = s;
  const end = src.length;
  const parts: TemplatePart[] = [];
  let literal = '';
  let chunkStart = from;
  let i = from;

  const flush = (upTo: number): void => {
    literal += src.slice(chunkStart, upTo);
  };
  const pushReference = (reference: Reference): void => {
    if (literal) parts.push(literal);
    literal = '';
    parts.push(reference);
  };
  const finish = (pos: number, stop: ScanResult['stop']): ScanResult => {
    if (literal) parts.push(literal);
    return { parts, pos, stop };
  };

  while (i < end) {
    const c = src.charCodeAt(i);
    if (quoted && c === QUOTE) {
      flush(i);
      return finish(i, 'quote');
    }
    if (inDefault && c === CLOSE_BRACE) {
      flush(i);
      return finish(i + 1, 'brace');
    }
    if (quoted && c === BACKSLASH) {
      flush(i);
      const escape = readEscape(s, i);
      literal += escape.text;
      i = escape.next;
      chunkStart = i;
      continue;
    }
    if (c !== DOLLAR) {
      i++;
      continue;
    }

    flush(i);
    i = readDollar(s, i, depth, pushReference, (text) => (literal += text));
    chunkStart = i;
  }
  flush(end);
  return finish(end, 'end');
}

/**
 * Reads what starts at the `$` at `dollar` — `$$` (a literal `$`, passed to
 * `addLiteral`), `$NAME` or `${…}` (passed to `push`), or a malformed
 * reference (reported) — and returns where scanning resumes.
 */
function readDollar(
  s: Scanner,
  dollar: number,
  depth: number,
  push: (reference: Reference) => void,
  addLiteral: (text: string) => void,
): number {
  const { src } = s;
  const end = src.length;
  const next = dollar + 1 < end ? src.charCodeAt(dollar + 1) : -1;
  if (next === DOLLAR) {
    addLiteral('$');
    return dollar + 2;
  }
  if (isNameStart(next)) {
    let j = dollar + 2;
    while (j < end && isNameChar(src.charCodeAt(j))) j++;
    push({ name: src.slice(dollar + 1, j), column: s.base + dollar });
    return j;
  }
  if (next === OPEN_BRACE) return readBraced(s, dollar, depth, push);
  badReference(s, dollar);
  return dollar + 1;
}

/**
 * Reads `${…}` starting at the `$`; returns where scanning resumes. On a
 * malformed reference only the `$` is consumed, so the rest is read as literal
 * text and one mistake yields one problem.
 */
function readBraced(s: Scanner, dollar: number, depth: number, push: (reference: Reference) => void): number {
  const { src } = s;
  const end = src.length;
  const column = s.base + dollar;
  const nameStart = dollar + 2;
  if (!(nameStart < end && isNameStart(src.charCodeAt(nameStart)))) {
    badReference(s, dollar);
    return dollar + 1;
  }
  let k = nameStart + 1;
  while (k < end && isNameChar(src.charCodeAt(k))) k++;
  const name = src.slice(nameStart, k);
  const c = k < end ? src.charCodeAt(k) : -1;

  if (c === CLOSE_BRACE) {
    push({ name, column });
    return k + 1;
  }
  let operator: ':-' | '-';
  let defaultStart: number;
  if (c === COLON && k + 1 < end && src.charCodeAt(k + 1) === MINUS) {
    operator = ':-';
    defaultStart = k + 2;
  } else if (c === MINUS) {
    operator = '-';
    defaultStart = k + 1;
  } else {
    // `${A:?x}`, `${A:+x}`, `${A:=x}`, `${A x}`, `${A` at the end, …
    badReference(s, dollar);
    return dollar + 1;
  }

  if (depth + 1 > MAX_REFERENCE_NESTING) {
    s.ctx.problems.add({
      ...where(s.ctx),
      code: 'BAD_REFERENCE',
      column,
      message: `variable references nested more than ${MAX_REFERENCE_NESTING} deep at column ${column}`,
    });
    return skipBraced(s, defaultStart);
  }

  const fallback = scan(s, defaultStart, true, depth + 1);
  if (fallback.stop !== 'brace') {
    // Unclosed: the line or the quoted value ended first. Resume where the
    // default stopped so that a closing `"` still ends the value.
    badReference(s, dollar);
    return fallback.pos;
  }
  push({ name, column, operator, fallback: fallback.parts });
  return fallback.pos;
}

/**
 * Finds the end of a default without building it (used past the nesting
 * limit), iteratively so that depth costs no stack.
 */
function skipBraced(s: Scanner, from: number): number {
  const { src, quoted } = s;
  const end = src.length;
  let open = 1;
  let i = from;
  while (i < end) {
    const c = src.charCodeAt(i);
    if (quoted && c === QUOTE) return i;
    if (quoted && c === BACKSLASH) {
      i += 2;
    } else if (c === DOLLAR) {
      const next = i + 1 < end ? src.charCodeAt(i + 1) : -1;
      if (next === OPEN_BRACE) open++;
      i += next === DOLLAR || next === OPEN_BRACE ? 2 : 1;
    } else if (c === CLOSE_BRACE) {
      i++;
      if (--open === 0) return i;
    } else {
      i++;
    }
  }
  return end;
}

/** Reads the escape at `src[i] === '\\'`. Invalid escapes yield no text. */
function readEscape(s: Scanner, i: number): { text: string; next: number } {
  const { src } = s;
  if (i + 1 >= src.length) {
    // A backslash ending the line: the quote is unterminated, which the
    // caller reports; a second problem for the same mistake would be noise.
    return { text: '', next: i + 1 };
  }
  const escaped = src[i + 1]!;
  const simple = SIMPLE_ESCAPES.get(escaped);
  if (simple !== undefined) return { text: simple, next: i + 2 };
  if (escaped !== 'u') {
    syntax(s, i, 'invalid escape (use \\\\ for a backslash)');
    // Skip the escaped character too, so `\$` is one problem, not two.
    return { text: '', next: i + 2 };
  }

  const unit = hex4(src, i + 2);
  if (unit < 0) {
    syntax(s, i, 'invalid escape: \\u needs four hex digits');
    return { text: '', next: i + 2 };
  }
  if (unit >= 0xd800 && unit <= 0xdbff) {
    const low = src.charCodeAt(i + 6) === BACKSLASH && src[i + 7] === 'u' ? hex4(src, i + 8) : -1;
    if (low >= 0xdc00 && low <= 0xdfff) {
      return { text: String.fromCharCode(unit, low), next: i + 12 };
    }
  }
  if (unit >= 0xd800 && unit <= 0xdfff) {
    // A lone surrogate would make the value an ill-formed string that cannot
    // be written back as UTF-8, so it is an error rather than U+FFFD.
    syntax(s, i, 'invalid escape: a \\u surrogate must be a high-low pair');
    return { text: '', next: i + 6 };
  }
  return { text: String.fromCharCode(unit), next: i + 6 };
}

/** The 16-bit value of four hex digits at `at`, or -1. */
function hex4(src: string, at: number): number {
  if (at + 4 > src.length) return -1;
  let value = 0;
  for (let k = at; k < at + 4; k++) {
    const c = src.charCodeAt(k);
    let digit: number;
    if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
    else if (c >= 0x41 && c <= 0x46) digit = c - 0x37;
    else if (c >= 0x61 && c <= 0x66) digit = c - 0x57;
    else return -1;
    value = value * 16 + digit;
  }
  return value;
}

function where(ctx: ScanContext) {
  const { file, line, section, key } = ctx;
  return {
    ...(file !== undefined && { file }),
    line,
    ...(section !== undefined && { section }),
    ...(key !== undefined && { key }),
  };
}

function badReference(s: Scanner, dollar: number): void {
  const column = s.base + dollar;
  // Never quote the text: it is (part of) a secret.
  s.ctx.problems.add({
    ...where(s.ctx),
    code: 'BAD_REFERENCE',
    column,
    message: `bad variable reference at column ${column}: ${LITERAL_DOLLAR_HINT}`,
  });
}

function syntax(s: Scanner, index: number, message: string): void {
  s.ctx.problems.add({ ...where(s.ctx), code: 'SYNTAX', column: s.base + index, message });
}
