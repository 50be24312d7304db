import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretsError } from '../lib/errors';
import type { ParsedFile } from '../lib/model';
import { parseIni } from '../lib/sources/parse';
import { writeValue } from './helpers/write-value';

/** Reads `k` of `[s]` back; a written value must contain no references. */
function readBack(text: string): string {
  const template = parseIni(text).sections.get('s')?.entries.get('k')?.template;
  if (template === undefined) throw new Error('k is missing');
  return template
    .map((part) => {
      if (typeof part !== 'string') throw new Error(`unexpected reference to ${part.name}`);
      return part;
    })
    .join('');
}

/** Any Unicode scalar value: every code point except the surrogates. */
const scalar = fc
  .integer({ min: 0, max: 0x10ffff - 0x800 })
  .map((n) => String.fromCodePoint(n < 0xd800 ? n : n + 0x800));

/** Characters that mean something to the reader or the writer. */
const special = fc.constantFrom(
  "'",
  '"',
  '\\',
  '$',
  '$$',
  '${A}',
  '$A',
  '{',
  '}',
  '#',
  ';',
  '=',
  '[',
  ']',
  ' ',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '\u0000',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\u202e',
  '\ufeff',
  '😀',
  'é',
  'e\u0301',
);

/** Valid Unicode strings, biased towards what is hard to write. */
const unicodeString = fc.string({ unit: fc.oneof(scalar, special, fc.constantFrom(...'abc')), maxLength: 40 });

describe('writeValue', () => {
  it.each([
    ['plain text', 'abc', "'abc'"],
    ['the empty string', '', "''"],
    ['a $ (single quotes are not interpolated)', 'a$HOME${X}', "'a$HOME${X}'"],
    ['# and ;', 'Xk9#Qp;Zr2', "'Xk9#Qp;Zr2'"],
    ['a backslash', 'a\\n', "'a\\n'"],
    ['double quotes', '"q"', `'"q"'`],
    ['leading and trailing spaces', '  a  ', "'  a  '"],
    ['non-ASCII text', 'pässwörd 😀', "'pässwörd 😀'"],
    ['U+00A0', '\u00a0', "'\u00a0'"],
  ])('writes %s in single quotes', (_, value, written) => {
    expect(writeValue(value)).toBe(written);
  });

  it.each([
    ['a single quote', "it's", `"it's"`],
    ['a single quote and a $', "it's $5", `"it's $$5"`],
    ['a newline', 'a\nb', '"a\\nb"'],
    ['a CR', 'a\rb', '"a\\rb"'],
    ['a tab', 'a\tb', '"a\\tb"'],
    ['NUL', '\u0000', '"\\u0000"'],
    ['ESC', '\u001b[31m', '"\\u001b[31m"'],
    ['DEL', '\u007f', '"\\u007f"'],
    ['NEL (U+0085)', '\u0085', '"\\u0085"'],
    ['U+2028', 'a\u2028b', '"a\\u2028b"'],
    ['U+2029', '\u2029', '"\\u2029"'],
    ['a right-to-left override', 'a\u202eb', '"a\\u202eb"'],
    ['U+FEFF', '\ufeff', '"\\ufeff"'],
    ['a backslash and a double quote', `'\\"`, `"'\\\\\\""`],
  ])('writes %s in double quotes', (_, value, written) => {
    expect(writeValue(value)).toBe(written);
  });

  it('rejects a lone surrogate with ENCODING, without quoting the value', () => {
    let thrown: unknown;
    try {
      writeValue('S3cr3t\ud800');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SecretsError);
    expect((thrown as SecretsError).problems).toEqual([
      { code: 'ENCODING', message: 'value is not valid Unicode (it contains a lone surrogate)' },
    ]);
  });

  it('property: any valid Unicode string reads back exactly', () => {
    fc.assert(
      fc.property(unicodeString, (value) => {
        expect(readBack(`[s]\nk = ${writeValue(value)}`)).toBe(value);
      }),
      { numRuns: 2_000 },
    );
  });

  it('property: any grapheme string reads back exactly after CRLF, with a comment after it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        expect(readBack(`[s]\r\nk =\t${writeValue(value)} ; written by the CLI\r\n`)).toBe(value);
      }),
      { numRuns: 1_000 },
    );
  });

  it('property: a written value is one line', () => {
    fc.assert(
      fc.property(unicodeString, (value) => {
        expect(writeValue(value)).not.toMatch(/[\r\n\u0085\u2028\u2029]/);
      }),
    );
  });

  it('property: any string with a lone surrogate is rejected with SecretsError', () => {
    // Neighbours are whole scalar values (never ending in a high surrogate nor
    // starting with a low one), so the inserted unit always stays unpaired.
    const withLone = fc
      .tuple(unicodeString, fc.integer({ min: 0xd800, max: 0xdfff }), unicodeString)
      .map(([before, unit, after]) => before + String.fromCharCode(unit) + after);
    fc.assert(
      fc.property(withLone, (value) => {
        expect(() => writeValue(value)).toThrow(SecretsError);
      }),
    );
  });
});

/** INI-shaped input: lines of tokens that mean something to the reader. */
const iniToken = fc.oneof(
  fc.constantFrom(
    '[',
    ']',
    '=',
    ' = ',
    '$',
    '$$',
    '${',
    '}',
    '{',
    ':-',
    '-',
    ':?',
    '"',
    "'",
    '\\',
    '\\u',
    'D83D',
    'DE00',
    '\\"',
    '\\n',
    '#',
    ';',
    ' ',
    '\t',
    '\u00a0',
    'A',
    'k',
    's',
    '.',
    '__proto__',
    'constructor',
    'prototype',
    '\r',
    '\ufeff',
  ),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)), maxLength: 3 }),
);
const iniLine = fc.oneof(
  fc.array(iniToken, { maxLength: 12 }).map((tokens) => tokens.join('')),
  fc.constantFrom('[s]', '[S]', '[a.b]', 'k = v', 'K = v', 'k = "${A:-${B-x}}"'),
);
const iniText = fc
  .tuple(fc.array(iniLine, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r'))
  .map(([lines, eol]) => lines.join(eol));

describe('parseIni on arbitrary input', () => {
  function parseOrSecretsError(text: string): ParsedFile | SecretsError {
    try {
      return parseIni(text, 'f.ini');
    } catch (error) {
      if (error instanceof SecretsError) return error;
      throw error;
    }
  }

  it('property: throws nothing but SecretsError on INI-shaped input', () => {
    fc.assert(
      fc.property(iniText, (text) => {
        const result = parseOrSecretsError(text);
        if (result instanceof SecretsError) {
          const lineCount = text.split(/\r\n|\r|\n/).length;
          for (const problem of result.problems) {
            expect(problem.file).toBe('f.ini');
            expect(problem.line).toBeGreaterThanOrEqual(1);
            expect(problem.line).toBeLessThanOrEqual(lineCount);
          }
        } else {
          for (const section of result.sections.values()) {
            for (const entry of section.entries.values()) {
              for (const part of entry.template) expect(part).not.toBe('');
            }
          }
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it('property: throws nothing but SecretsError on any string of UTF-16 code units', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)) }),
        (text) => {
          parseOrSecretsError(`[s]\nk = ${text}\nj = "${text}"\n${text}`);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
