/**
 * Where the characters of a value sit in the text of a secrets file, so that
 * `rotate` can replace exactly them and leave every other byte as it was.
 * The positions follow the parser's rules (lib/sources/parse.ts): lines end
 * at CRLF, CR or LF; the value starts after the first `=` and the blanks
 * after it; a quoted value lies between its quotes (a comment may follow the
 * closing one); an unquoted value runs to the end of the line, trailing
 * blanks excluded.
 */
import { isPresentableName } from '../errors';

/** The characters of one value: offsets `[start, end)` in the decoded text (UTF-16 code units). */
export interface ValueSpan {
  readonly start: number;
  readonly end: number;
  /** `"` or `'` when the value is quoted, else `undefined`. */
  readonly quote: '"' | "'" | undefined;
}

/** One line of the text: where it starts and its characters (without the line break). */
interface Line {
  readonly start: number;
  readonly text: string;
}

/** The lines of `text`, split as `parseIni` splits them, with their offsets. */
export function textLines(text: string): Line[] {
  const lines: Line[] = [];
  const breaks = /\r\n|\r|\n/g;
  let start = 0;
  for (let match = breaks.exec(text); match; match = breaks.exec(text)) {
    lines.push({ start, text: text.slice(start, match.index) });
    start = match.index + match[0].length;
  }
  lines.push({ start, text: text.slice(start) });
  return lines;
}

function skipBlanks(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

function trimEnd(text: string, from: number, to: number): number {
  let i = to;
  while (i > from && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  return i;
}

/** Index of the `"` closing the double-quoted value opened at `open` (escapes skipped), or -1. */
function closingDoubleQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/**
 * The span of the value of the `key = value` line `line` (1-based) of
 * `lines`, which must be the lines of a text `parseIni` accepted.
 *
 * @returns the span, or why replacing it would not be safe (a sentence
 *   ending, never quoting the text): a line that looks like the rest of this
 *   value, or an unquoted value ending with a backslash (both read by other
 *   INI readers as a value continued over lines)
 */
export function valueSpan(lines: readonly Line[], line: number): ValueSpan | { refused: string } {
  const { start: offset, text } = lines[line - 1]!;
  const equals = text.indexOf('=');
  const start = skipBlanks(text, equals + 1);
  if (continuesOnNextLine(lines, line)) {
    return {
      refused: `is followed on line ${line + 1} by a line that looks like the rest of this value (a value continued over lines); rotate cannot rewrite it safely: join it into one line first`,
    };
  }
  const quote = text[start];
  if (quote === '"' || quote === "'") {
    const close = quote === '"' ? closingDoubleQuote(text, start) : text.indexOf("'", start + 1);
    return { start: offset + start + 1, end: offset + close, quote };
  }
  const end = trimEnd(text, start, text.length);
  if (text[end - 1] === '\\') {
    return {
      refused:
        'ends with a backslash, which some INI readers take as a value continued on the next line; rotate cannot rewrite it safely: edit it by hand',
    };
  }
  return { start: offset + start, end: offset + end, quote: undefined };
}

/**
 * Whether the line after `line` looks like the wrapped rest of a value: a
 * `name = value` line whose "name" is not name-like (a base64 line ending in
 * `=` parses so), as `keys` and the error messages also judge it, or a short
 * base64 tail that looks like a name (`Qz==`, `ab/Qz=`).
 */
function continuesOnNextLine(lines: readonly Line[], line: number): boolean {
  const next = lines[line];
  if (next === undefined) return false;
  const first = skipBlanks(next.text, 0);
  if (first === next.text.length || '#;['.includes(next.text[first]!)) return false;
  const equals = next.text.indexOf('=', first);
  if (equals < 0) return true;
  if (BASE64_TAIL.test(next.text.slice(first, trimEnd(next.text, first, next.text.length)))) return true;
  return !isPresentableName(next.text.slice(first, trimEnd(next.text, first, equals)));
}

/** A short wrapped base64 tail that parses as a name-like key: `Qz==`, `ab/Qz=` (no blanks; a `/` or `==`). */
const BASE64_TAIL = /^(?:[A-Za-z0-9+/]*\/[A-Za-z0-9+/]*={0,2}|[A-Za-z0-9+/]+==)$/;

/** A new value for one span: characters that need no quoting or escaping (a token). */
export interface SpanReplacement {
  readonly span: ValueSpan;
  readonly value: string;
}

/**
 * `text` with each span replaced by its value; nothing else changes, but for
 * one space put after an `=` that has a blank before it and an empty unquoted
 * value after it (`key =` becomes `key = <value>`, `key=` becomes `key=<value>`).
 */
export function replaceSpans(text: string, replacements: readonly SpanReplacement[]): string {
  let result = text;
  for (const { span, value } of [...replacements].sort((a, b) => b.span.start - a.span.start)) {
    const before = result[span.start - 2];
    const spaced =
      span.quote === undefined &&
      span.start === span.end &&
      result[span.start - 1] === '=' &&
      (before === ' ' || before === '\t');
    result = result.slice(0, span.start) + (spaced ? ' ' : '') + value + result.slice(span.end);
  }
  return result;
}
