/**
 * A value writer for the parser's property tests: the inverse of the parse
 * stage for one value (the quoting README "Values" documents for anyone who
 * writes a value), so that `parseIni('[s]\nk = ' + writeValue(v))` reads back exactly
 * `v` with no variable lookups.
 */
import { SecretsError } from '../../lib/errors';

/**
 * Characters written as `\uXXXX` escapes rather than raw: control characters
 * (C0, DEL, C1, which includes NEL), U+2028/U+2029 (editors may break lines
 * there), bidirectional formatting controls (they make a line display
 * differently from what it contains) and U+FEFF (invisible; a reader could
 * mistake it for a BOM). A value containing one of them is double-quoted.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NEEDS_ESCAPE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;
const NEEDS_ESCAPE_GLOBAL = new RegExp(NEEDS_ESCAPE.source, 'g');

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Formats `value` as the right-hand side of `key = …` in the secrets INI
 * dialect.
 *
 * - `'…'` (literal, nothing is interpreted) when the value contains no `'`
 *   and none of the characters that must be escaped (see above); the empty
 *   string is `''`.
 * - Otherwise `"…"` with JSON string escapes (as `JSON.stringify`, plus
 *   `\uXXXX` for the characters above) and every `$` doubled to `$$`, so
 *   nothing is interpolated.
 *
 * @throws {SecretsError} `ENCODING` when `value` contains a lone surrogate:
 *   it cannot be stored as UTF-8, and the reader rejects lone `\uD800`-style
 *   escapes. The message does not quote the value.
 */
export function writeValue(value: string): string {
  if (LONE_SURROGATE.test(value)) {
    throw new SecretsError([
      { code: 'ENCODING', message: 'value is not valid Unicode (it contains a lone surrogate)' },
    ]);
  }
  if (!value.includes("'") && !NEEDS_ESCAPE.test(value)) return `'${value}'`;
  return JSON.stringify(value)
    .replace(NEEDS_ESCAPE_GLOBAL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\$/g, '$$$$');
}
