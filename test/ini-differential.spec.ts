/**
 * The same inputs through `ini` 6.0.0 (`ini.parse`, `ini.stringify`) and our
 * reader, asserting each documented difference exactly. This spec backs the
 * README table "Why not `ini.parse`"; if `ini` changes
 * behaviour, a test here fails and the table must be updated.
 */
import * as ini from 'ini';
import { describe, expect, it } from 'vitest';
import { SecretsError } from '../lib/errors';
import { parseIni } from '../lib/sources/parse';
import { writeValue } from './helpers/write-value';
import { parsedValues } from './helpers/parsed';

/** Our reader's `{ section: { key: value } }`, a reference shown as `<NAME>`. */
const ours = (text: string) => parsedValues(text, (part) => `<${part.name}>`);

/** Our reader's problems as `[code, message]`. */
function ourProblems(text: string): [string, string][] {
  try {
    parseIni(text);
  } catch (error) {
    if (!(error instanceof SecretsError)) throw error;
    return error.problems.map((p) => [p.code, p.message]);
  }
  throw new Error('expected parseIni to throw');
}

describe('ini.parse vs parseIni', () => {
  it('inline comments: ini cuts an unquoted value at # or ;', () => {
    const text = '[s]\nsecret = 3a70#4df1;836';
    expect(ini.parse(text)).toEqual({ s: { secret: '3a70' } });
    expect(ours(text)).toEqual({ s: { secret: '3a70#4df1;836' } });
  });

  it('dotted section names: ini nests objects', () => {
    const text = '[authomatic.facebook]\nconsumer_key = v';
    expect(ini.parse(text)).toEqual({ authomatic: { facebook: { consumer_key: 'v' } } });
    expect(ours(text)).toEqual({ 'authomatic.facebook': { consumer_key: 'v' } });
  });

  it('types: ini turns true, false and null into booleans and null', () => {
    const text = '[s]\nflag = true\noff = false\nnone = null\nzip = 0123';
    expect(ini.parse(text)).toEqual({ s: { flag: true, off: false, none: null, zip: '0123' } });
    expect(ours(text)).toEqual({ s: { flag: 'true', off: 'false', none: 'null', zip: '0123' } });
  });

  it('duplicate keys: ini silently keeps the last', () => {
    const text = '[s]\nsecret = a\nsecret = b';
    expect(ini.parse(text)).toEqual({ s: { secret: 'b' } });
    expect(ourProblems(text)).toEqual([['DUPLICATE_KEY', 'duplicate key (first defined on line 2)']]);
  });

  it('keys differing by case: ini keeps both', () => {
    const text = '[s]\nSecret = a\nsecret = b';
    expect(ini.parse(text)).toEqual({ s: { Secret: 'a', secret: 'b' } });
    expect(ourProblems(text)).toEqual([['DUPLICATE_KEY', 'key differs only by case from "Secret" on line 2']]);
  });

  it('a repeated section: ini merges the two', () => {
    const text = '[s]\na = 1\n[s]\nb = 2';
    expect(ini.parse(text)).toEqual({ s: { a: '1', b: '2' } });
    expect(ourProblems(text)).toEqual([['DUPLICATE_SECTION', 'duplicate section (first defined on line 1)']]);
  });

  it('an indented section header: ini makes it a key `[t]` = true of the previous section', () => {
    const text = '[s]\nk = x\n  [t]\nj = w';
    expect(ini.parse(text)).toEqual({ s: { k: 'x', '[t]': true, j: 'w' } });
    expect(ours(text)).toEqual({ s: { k: 'x' }, t: { j: 'w' } });
  });

  it('a line without "=" (an indented continuation, a pasted secret): ini makes it a key = true', () => {
    const text = '[s]\nkey = first part\n  continued';
    expect(ini.parse(text)).toEqual({ s: { key: 'first part', continued: true } });
    expect(ourProblems(text)).toEqual([['SYNTAX', 'expected "key = value"']]);
  });

  it('a comment after a section header: ini makes the line a top-level key and leaves the section', () => {
    const text = '[s] # production\nk = v';
    expect(ini.parse(text)).toEqual({ '[s]': true, k: 'v' });
    expect(ours(text)).toEqual({ s: { k: 'v' } });
  });

  it('a comment after a quoted value: ini keeps the quotes in the value', () => {
    const text = '[s]\npassword = "abc" ; rotated';
    expect(ini.parse(text)).toEqual({ s: { password: '"abc"' } });
    expect(ours(text)).toEqual({ s: { password: 'abc' } });
  });

  it('a comment after a single-quoted value: ini keeps the quotes in the value', () => {
    const text = "[s]\nk = '  padded  ' ; c";
    expect(ini.parse(text)).toEqual({ s: { k: "'  padded  '" } });
    expect(ours(text)).toEqual({ s: { k: '  padded  ' } });
  });

  it('an invalid escape in double quotes: ini keeps the raw text with its quotes', () => {
    const text = '[s]\nk = "a\\qb"';
    expect(ini.parse(text)).toEqual({ s: { k: '"a\\qb"' } });
    expect(ourProblems(text)).toEqual([['SYNTAX', 'invalid escape (use \\\\ for a backslash)']]);
  });

  it('a backslash before # in an unquoted value: ini drops the backslash', () => {
    const text = '[s]\nk = a \\# c';
    expect(ini.parse(text)).toEqual({ s: { k: 'a # c' } });
    expect(ours(text)).toEqual({ s: { k: 'a \\# c' } });
  });

  it('a key before any section: ini makes it a top-level value', () => {
    const text = 'k = v\n[s]\nj = w';
    expect(ini.parse(text)).toEqual({ k: 'v', s: { j: 'w' } });
    expect(ourProblems(text)).toEqual([['SYNTAX', 'key before any section']]);
  });

  it('key[] = …: ini builds an array', () => {
    const text = '[s]\nk[] = a\nk[] = b';
    expect(ini.parse(text)).toEqual({ s: { k: ['a', 'b'] } });
    expect(ourProblems(text).map(([code]) => code)).toEqual(['SYNTAX', 'SYNTAX']);
  });

  it('[__proto__]: ini silently drops the section', () => {
    const text = '[__proto__]\nk = v';
    expect(ini.parse(text)).toEqual({});
    expect(ourProblems(text)).toEqual([['RESERVED_NAME', '"__proto__" is a reserved name']]);
  });

  it('__proto__ as a key: ini silently drops the key', () => {
    const text = '[s]\n__proto__ = v';
    expect(ini.parse(text)).toEqual({ s: {} });
    expect(ourProblems(text)).toEqual([['RESERVED_NAME', '"__proto__" is a reserved name']]);
  });

  it('U+00A0 around a value: ini trims it', () => {
    const text = '[s]\nk = \u00a0v\u00a0';
    expect(ini.parse(text)).toEqual({ s: { k: 'v' } });
    expect(ours(text)).toEqual({ s: { k: '\u00a0v\u00a0' } });
  });

  it('$NAME: ini keeps it as text, we read it as a variable reference', () => {
    const text = '[s]\nk = $HOME';
    expect(ini.parse(text)).toEqual({ s: { k: '$HOME' } });
    expect(parseIni(text).sections.get('s')?.entries.get('k')?.template).toEqual([{ name: 'HOME', column: 5 }]);
  });
});

describe('where both readers agree', () => {
  it.each([
    ['CRLF line ends', '[s]\r\nk = v\r\n'],
    ['CR line ends', '[s]\rk = v\rj = w'],
    ['an indented key line', '[s]\n    k = v'],
    ['a value with "="', '[s]\nk = a=b'],
    ['an empty value', '[s]\nk ='],
    ['a single-quoted value alone', "[s]\nk = 'abc'"],
    ['a double-quoted value with an escape', '[s]\nk = "a\\nb"'],
    ['a section name with ":" and "/"', '[a/b:c]\nk = v'],
  ])('%s', (_, text) => {
    expect(ours(text)).toEqual(ini.parse(text));
  });
});

describe('ini.stringify vs writeValue', () => {
  it('ini escapes # and ; with a backslash; we single-quote', () => {
    expect(ini.stringify({ s: { k: 'a#b;c' } })).toBe('[s]\nk=a\\#b\\;c\n');
    expect(writeValue('a#b;c')).toBe("'a#b;c'");
  });

  it('ini escapes the dot of a section name', () => {
    expect(ini.stringify({ 'authomatic.facebook': { k: 'v' } })).toBe('[authomatic\\.facebook]\nk=v\n');
  });

  it('the string "true" written by ini reads back as a boolean', () => {
    expect(ini.parse(ini.stringify({ s: { t: 'true' } }))).toEqual({ s: { t: true } });
    expect(ours(`[s]\nt = ${writeValue('true')}`)).toEqual({ s: { t: 'true' } });
  });
});
