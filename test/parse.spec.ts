import { describe, expect, it } from 'vitest';
import { SecretsError, type SecretsProblem } from '../lib/errors';
import { parseIni } from '../lib/sources/parse';
import { parsedValues } from './helpers/parsed';

/** `{ section: { key: value } }` for files whose values have no references. */
const values = (text: string) => parsedValues(text);

/** The problems of a file that must fail, without the `file` field. */
function problems(text: string, file?: string): SecretsProblem[] {
  try {
    parseIni(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError);
    return [...(error as SecretsError).problems];
  }
  throw new Error('expected parseIni to throw');
}

describe('lines', () => {
  it('LF ends lines', () => {
    expect(values('[s]\na = 1\nb = 2\n')).toEqual({ s: { a: '1', b: '2' } });
  });

  it('CRLF ends lines and no value ends in \\r', () => {
    expect(values('[s]\r\na = 1\r\nb = 2\r\n')).toEqual({ s: { a: '1', b: '2' } });
  });

  it('CR alone ends lines', () => {
    expect(values('[s]\ra = 1\rb = 2\r')).toEqual({ s: { a: '1', b: '2' } });
  });

  it('mixed line ends are counted as one line each', () => {
    expect(problems('[s]\r\na = 1\rb = 2\n\r\nnope')).toEqual([
      { line: 5, section: 's', code: 'SYNTAX', message: 'expected "key = value"' },
    ]);
  });

  it('an indented line is just trimmed', () => {
    expect(values('  [s]\n\t  key = v\t \n')).toEqual({ s: { key: 'v' } });
  });

  it('U+00A0 around a value is not trimmed', () => {
    expect(values('[s]\nk = \u00a0v\u00a0')).toEqual({ s: { k: '\u00a0v\u00a0' } });
  });

  it('other Unicode whitespace before a key makes the key invalid', () => {
    expect(problems('[s]\n\u2003k = v')).toEqual([
      {
        line: 2,
        column: 1,
        section: 's',
        code: 'SYNTAX',
        message: 'key may not contain ".", "[", "]" or whitespace',
      },
    ]);
  });

  it('blank lines and # or ; lines are comments', () => {
    expect(values('# top\n\n; also\n[s]\n  # indented comment\n\t\nk = v\n; k = w')).toEqual({ s: { k: 'v' } });
  });

  it('an empty file has no sections', () => {
    expect(parseIni('').sections.size).toBe(0);
  });
});

describe('sections', () => {
  it('[name] starts a section, the name trimmed of spaces and tabs', () => {
    expect(values('[ \tfacebook \t]\nk = v')).toEqual({ facebook: { k: 'v' } });
  });

  it('[authomatic.facebook] stays one section named authomatic.facebook', () => {
    const parsed = parseIni('[authomatic.facebook]\nconsumer_key = v');
    expect([...parsed.sections.keys()]).toEqual(['authomatic.facebook']);
  });

  it('a section name may contain ":" and "/"', () => {
    expect(Object.keys(values('[db:primary/eu]\nk = v'))).toEqual(['db:primary/eu']);
  });

  it('a comment may follow "]"', () => {
    expect(values('[a] # one\nk = 1\n[b]; two\nk = 2')).toEqual({ a: { k: '1' }, b: { k: '2' } });
  });

  it('a section header records its line', () => {
    expect(parseIni('# c\n\n[s]\nk = v').sections.get('s')?.line).toBe(3);
  });

  it('sections keep file order', () => {
    expect([...parseIni('[b]\n[a]\n[c]').sections.keys()]).toEqual(['b', 'a', 'c']);
  });

  it('an empty section exists with no entries', () => {
    expect(values('[empty]\n[s]\nk = v')).toEqual({ empty: {}, s: { k: 'v' } });
  });

  it('text after "]" is an error', () => {
    expect(problems('[s] extra\nk = v')).toEqual([
      {
        line: 1,
        column: 5,
        code: 'SYNTAX',
        message: 'only a "#" or ";" comment may follow the "]" of a section header',
      },
    ]);
  });

  it('a missing "]" is an error', () => {
    expect(problems('[s\nk = v')).toEqual([
      { line: 1, column: 1, code: 'SYNTAX', message: 'section header is missing "]"' },
    ]);
  });

  it('an empty section name is an error', () => {
    expect(problems('[ \t]\nk = v')).toEqual([
      { line: 1, column: 1, code: 'SYNTAX', message: 'section name may not be empty' },
    ]);
  });

  it('a duplicate section is an error naming the first line', () => {
    expect(problems('[s]\na = 1\n[s]\nb = 2')).toEqual([
      { line: 3, section: 's', code: 'DUPLICATE_SECTION', message: 'duplicate section (first defined on line 1)' },
    ]);
  });

  it('sections differing only by case are duplicates', () => {
    expect(problems('\n[Facebook]\n[facebook]')).toEqual([
      {
        line: 3,
        section: 'facebook',
        code: 'DUPLICATE_SECTION',
        message: 'section name differs only by case from [Facebook] on line 2',
      },
    ]);
  });

  it('keys under a duplicate section are not compared with the first one', () => {
    expect(problems('[s]\nk = 1\n[s]\nk = 2').map((p) => p.code)).toEqual(['DUPLICATE_SECTION']);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('[%s] is a reserved section name', (name) => {
    expect(problems(`[${name}]\nk = v`)).toEqual([
      { line: 1, section: name, code: 'RESERVED_NAME', message: `"${name}" is a reserved name` },
    ]);
  });
});

describe('keys', () => {
  it('key = value splits at the first "="', () => {
    expect(values('[s]\nk = a=b=c')).toEqual({ s: { k: 'a=b=c' } });
  });

  it('spaces around "=" are optional', () => {
    expect(values('[s]\nk=v')).toEqual({ s: { k: 'v' } });
  });

  it('keys are case-sensitive and taken as written', () => {
    expect(Object.keys(values('[s]\nConsumer_Key = v').s!)).toEqual(['Consumer_Key']);
  });

  it('a key may contain "-" and ":"', () => {
    expect(values('[s]\nconsumer-key:v2 = v')).toEqual({ s: { 'consumer-key:v2': 'v' } });
  });

  it('an entry records its line', () => {
    expect(parseIni('[s]\n\nk = v').sections.get('s')?.entries.get('k')?.line).toBe(3);
  });

  it('a key line before any section is an error', () => {
    expect(problems('k = v\n[s]')).toEqual([{ line: 1, code: 'SYNTAX', message: 'key before any section' }]);
  });

  it('a line without "=" is an error that does not name it as a key', () => {
    expect(problems('[s]\nsomething')).toEqual([
      { line: 2, section: 's', code: 'SYNTAX', message: 'expected "key = value"' },
    ]);
  });

  it('an empty key is an error', () => {
    expect(problems('[s]\n = v')).toEqual([
      { line: 2, column: 2, section: 's', code: 'SYNTAX', message: 'key may not be empty' },
    ]);
  });

  it.each([
    ['a dot', 'a.b = v'],
    ['a bracket', 'a[] = v'],
    ['a closing bracket', 'a]b = v'],
    ['a space', 'a b = v'],
    ['a tab', 'a\tb = v'],
  ])('a key containing %s is an error', (_, line) => {
    expect(problems(`[s]\n${line}`)).toEqual([
      {
        line: 2,
        column: 1,
        section: 's',
        code: 'SYNTAX',
        message: 'key may not contain ".", "[", "]" or whitespace',
      },
    ]);
  });

  it('a duplicate key is an error naming both lines', () => {
    expect(problems('[s]\n\nsecret = a\nsecret = b')).toEqual([
      {
        line: 4,
        section: 's',
        key: 'secret',
        code: 'DUPLICATE_KEY',
        message: 'duplicate key (first defined on line 3)',
      },
    ]);
  });

  it('keys differing only by case are duplicates', () => {
    expect(problems('[s]\nSecret = a\nsecret = b')).toEqual([
      {
        line: 3,
        section: 's',
        key: 'secret',
        code: 'DUPLICATE_KEY',
        message: 'key differs only by case from "Secret" on line 2',
      },
    ]);
  });

  it('the same key in two sections is fine', () => {
    expect(values('[a]\nk = 1\n[b]\nk = 2')).toEqual({ a: { k: '1' }, b: { k: '2' } });
  });

  it.each(['__proto__', 'constructor', 'prototype'])('%s is a reserved key', (name) => {
    expect(problems(`[s]\n${name} = v`)).toEqual([
      { line: 2, section: 's', key: name, code: 'RESERVED_NAME', message: `"${name}" is a reserved name` },
    ]);
  });

  it('entries are plain Map entries, untouched by Object.prototype', () => {
    const section = parseIni('[s]\ntoString = a\nhasOwnProperty = b').sections.get('s')!;
    expect([...section.entries.keys()]).toEqual(['toString', 'hasOwnProperty']);
    expect(section.entries.get('valueOf')).toBeUndefined();
  });
});

describe('unquoted values', () => {
  it('3a70#4df1;836 is read whole: no inline comments', () => {
    expect(values('[s]\nsecret = 3a70#4df1;836')).toEqual({ s: { secret: '3a70#4df1;836' } });
  });

  it('# and ; after spaces are still part of the value', () => {
    expect(values('[s]\nk = abc ; not a comment # nor this')).toEqual({ s: { k: 'abc ; not a comment # nor this' } });
  });

  it('values are trimmed of spaces and tabs', () => {
    expect(values('[s]\nk = \t inner  space \t')).toEqual({ s: { k: 'inner  space' } });
  });

  it('key = is the empty string', () => {
    expect(values('[s]\nk =\nj =   ')).toEqual({ s: { k: '', j: '' } });
  });

  it('an empty value is an empty template', () => {
    expect(parseIni('[s]\nk =').sections.get('s')?.entries.get('k')?.template).toEqual([]);
  });

  it.each(['true', 'false', 'null', '0123', '1e3', '[]', '{}'])('%s stays text', (text) => {
    expect(values(`[s]\nk = ${text}`)).toEqual({ s: { k: text } });
  });

  it('a backslash is literal', () => {
    expect(values('[s]\nk = a\\nb\\')).toEqual({ s: { k: 'a\\nb\\' } });
  });

  it('quotes inside an unquoted value are literal', () => {
    expect(values(`[s]\nk = a"b'c"`)).toEqual({ s: { k: `a"b'c"` } });
  });

  it('$$ is a literal $', () => {
    expect(values('[s]\nk = pa$$word')).toEqual({ s: { k: 'pa$word' } });
  });

  it('references are scanned with their columns', () => {
    expect(parseIni('[s]\nk = x$HOME').sections.get('s')?.entries.get('k')?.template).toEqual([
      'x',
      { name: 'HOME', column: 6 },
    ]);
  });

  it('a bad reference is reported with line, column and key', () => {
    expect(problems('[s]\nk = ab$(cmd)', 'prod.ini')).toEqual([
      {
        file: 'prod.ini',
        line: 2,
        column: 7,
        section: 's',
        key: 'k',
        code: 'BAD_REFERENCE',
        message:
          'bad variable reference at column 7: write $$ for a literal $, or single-quote the value to take it as written',
      },
    ]);
  });
});

describe('double-quoted values', () => {
  it('password = "abc" ; rotated is abc', () => {
    expect(values('[s]\npassword = "abc" ; rotated')).toEqual({ s: { password: 'abc' } });
  });

  it('a # comment may follow the closing quote', () => {
    expect(values('[s]\nk = "abc"# note')).toEqual({ s: { k: 'abc' } });
  });

  it('keeps the spaces inside the quotes', () => {
    expect(values('[s]\nk = "  a b  "  ')).toEqual({ s: { k: '  a b  ' } });
  });

  it('"" is the empty string', () => {
    expect(values('[s]\nk = ""')).toEqual({ s: { k: '' } });
  });

  it('multi-line values exist only as \\n escapes', () => {
    expect(values('[s]\nk = "line 1\\nline 2"')).toEqual({ s: { k: 'line 1\nline 2' } });
  });

  it('# and ; inside the quotes are part of the value', () => {
    expect(values('[s]\nk = "a#b;c"')).toEqual({ s: { k: 'a#b;c' } });
  });

  it('text after the closing quote is an error', () => {
    expect(problems('[s]\nk = "abc" def')).toEqual([
      {
        line: 2,
        column: 11,
        section: 's',
        key: 'k',
        code: 'SYNTAX',
        message: 'only a "#" or ";" comment may follow the closing quote',
      },
    ]);
  });

  it('an unterminated double quote is an error', () => {
    expect(problems('[s]\nk = "abc\nj = "x"')).toEqual([
      { line: 2, column: 5, section: 's', key: 'k', code: 'SYNTAX', message: 'unterminated double quote' },
    ]);
  });

  it('a quote cannot span lines', () => {
    expect(problems('[s]\nk = "abc\r\ndef"').map((p) => [p.line, p.code, p.message])).toEqual([
      [2, 'SYNTAX', 'unterminated double quote'],
      [3, 'SYNTAX', 'expected "key = value"'],
    ]);
  });

  it('an invalid escape is an error with its column', () => {
    expect(problems('[s]\nk = "a\\qb"')).toEqual([
      {
        line: 2,
        column: 7,
        section: 's',
        key: 'k',
        code: 'SYNTAX',
        message: 'invalid escape (use \\\\ for a backslash)',
      },
    ]);
  });
});

describe('single-quoted values', () => {
  it('are literal: no escapes, no interpolation', () => {
    expect(values(`[s]\nk = 'a\\n$HOME \${X} "q" #;'`)).toEqual({ s: { k: 'a\\n$HOME ${X} "q" #;' } });
  });

  it('end at the next quote and allow a comment after it', () => {
    expect(values(`[s]\nk = 'abc' ; rotated`)).toEqual({ s: { k: 'abc' } });
  });

  it("'' is the empty string", () => {
    expect(values(`[s]\nk = ''`)).toEqual({ s: { k: '' } });
  });

  it('text after the closing quote is an error', () => {
    expect(problems(`[s]\nk = 'it's'`)).toEqual([
      {
        line: 2,
        column: 9,
        section: 's',
        key: 'k',
        code: 'SYNTAX',
        message: 'only a "#" or ";" comment may follow the closing quote',
      },
    ]);
  });

  it('an unterminated single quote is an error', () => {
    expect(problems(`[s]\nk =  'abc`)).toEqual([
      { line: 2, column: 6, section: 's', key: 'k', code: 'SYNTAX', message: 'unterminated single quote' },
    ]);
  });
});

describe('problems', () => {
  it('every problem of the file is collected into one SecretsError', () => {
    expect(problems('k = 1\n[s]\na.b = 1\nx = "\nx = 2\nx = 3\n[s]\n[]').map((p) => [p.line, p.code])).toEqual([
      [1, 'SYNTAX'],
      [3, 'SYNTAX'],
      [4, 'SYNTAX'],
      [5, 'DUPLICATE_KEY'],
      [6, 'DUPLICATE_KEY'],
      [7, 'DUPLICATE_SECTION'],
      [8, 'SYNTAX'],
    ]);
  });

  it('a value with a bad quote still counts as the key for duplicates', () => {
    expect(problems('[s]\nx = "\nx = 2').map((p) => p.message)).toEqual([
      'unterminated double quote',
      'duplicate key (first defined on line 2)',
    ]);
  });

  it('the message is formatted as <file>:<line>:<column> [<section>] <key>: <what>', () => {
    expect(() => parseIni('[s]\nk = "\\x"', '/etc/app/production-secrets.ini')).toThrow(
      '/etc/app/production-secrets.ini:2:6 [s] k: invalid escape (use \\\\ for a backslash)',
    );
  });

  it('no message quotes the text of a line', () => {
    const canary = 'C4nary7Q';
    const text = [
      `${canary}`,
      `${canary} = v`,
      `[s] ${canary}`,
      '[s]',
      `a.${canary} = v`,
      `k = "${canary}`,
      `j = '${canary}`,
      `i = "${canary}" ${canary}`,
      `h = ${canary}$(${canary})`,
      `g = "${canary}\\q${canary}\\uD800${canary}\\u12"`,
      `${canary}[x] = 1`,
    ].join('\n');
    const error = (() => {
      try {
        parseIni(text);
      } catch (e) {
        return e as SecretsError;
      }
      throw new Error('expected parseIni to throw');
    })();
    expect(error.problems.length).toBe(12);
    expect(error.message).not.toContain(canary);
    expect(JSON.stringify(error)).not.toContain(canary);
    expect(error.stack).not.toContain(canary);
  });
});

// Speed is measured in bench/, not here: these only check large inputs come out exactly.
describe('large files', () => {
  it('parses 20,000 keys', () => {
    const lines = ['[s]'];
    for (let i = 0; i < 20_000; i++) lines.push(`key_${i} = "value ${i} \${V_${i}:-x}"`);
    const parsed = parseIni(lines.join('\n'));
    expect(parsed.sections.get('s')?.entries.size).toBe(20_000);
    expect(parsed.sections.get('s')?.entries.get('key_19999')?.line).toBe(20_001);
  });

  it('keeps the first 1,000 of 19,999 duplicate-key problems', () => {
    const text = '[s]\n' + 'k = v\n'.repeat(20_000);
    const found = problems(text);
    expect(found.length).toBe(1_000);
    expect(found[999]).toMatchObject({ code: 'DUPLICATE_KEY', line: 1_002 });
  });
});
