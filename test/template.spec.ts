import { describe, expect, it } from 'vitest';
import { ProblemCollector, type SecretsProblem } from '../lib/errors';
import type { Template } from '../lib/model';
import { MAX_REFERENCE_NESTING, scanDoubleQuoted, scanUnquoted } from '../lib/sources/template';

/** Scans `text` as an unquoted value starting at column 1. */
function unquoted(text: string): { template: Template; problems: SecretsProblem[] } {
  const problems = new ProblemCollector();
  const template = scanUnquoted(text, 1, { problems, line: 1 });
  return { template, problems: problems.problems };
}

/** Scans the double-quoted value at the start of `line`. */
function quoted(line: string): { template: Template; end: number | undefined; problems: SecretsProblem[] } {
  const problems = new ProblemCollector();
  const { template, end } = scanDoubleQuoted(line, 0, { problems, line: 1 });
  return { template, end, problems: problems.problems };
}

function ok(template: Template, problems: SecretsProblem[]): Template {
  expect(problems).toEqual([]);
  return template;
}

function badReference(column: number): SecretsProblem {
  return {
    line: 1,
    column,
    code: 'BAD_REFERENCE',
    message: `bad variable reference at column ${column}: write $$ for a literal $, or single-quote the value to take it as written`,
  };
}

function syntax(column: number, message: string): SecretsProblem {
  return { line: 1, column, code: 'SYNTAX', message };
}

describe('references', () => {
  it('$NAME', () => {
    const { template, problems } = unquoted('$FACEBOOK_API_KEY');
    expect(ok(template, problems)).toEqual([{ name: 'FACEBOOK_API_KEY', column: 1 }]);
  });

  it('$NAME takes the longest name', () => {
    const { template, problems } = unquoted('$A_1b-x');
    expect(ok(template, problems)).toEqual([{ name: 'A_1b', column: 1 }, '-x']);
  });

  it('$NAME may start with an underscore', () => {
    const { template, problems } = unquoted('$_x');
    expect(ok(template, problems)).toEqual([{ name: '_x', column: 1 }]);
  });

  it('${NAME} separates a name from following name characters', () => {
    const { template, problems } = unquoted('${USER}_suffix');
    expect(ok(template, problems)).toEqual([{ name: 'USER', column: 1 }, '_suffix']);
  });

  it('${NAME:-default}', () => {
    const { template, problems } = unquoted('${PORT:-5432}');
    expect(ok(template, problems)).toEqual([{ name: 'PORT', column: 1, operator: ':-', fallback: ['5432'] }]);
  });

  it('${NAME-default}', () => {
    const { template, problems } = unquoted('${PORT-5432}');
    expect(ok(template, problems)).toEqual([{ name: 'PORT', column: 1, operator: '-', fallback: ['5432'] }]);
  });

  it('an empty default', () => {
    const { template, problems } = unquoted('${A:-}');
    expect(ok(template, problems)).toEqual([{ name: 'A', column: 1, operator: ':-', fallback: [] }]);
  });

  it('a default may contain references and $$, with their own columns', () => {
    const { template, problems } = unquoted('x${A:-${B-b}$$$C}y');
    expect(ok(template, problems)).toEqual([
      'x',
      {
        name: 'A',
        column: 2,
        operator: ':-',
        fallback: [{ name: 'B', column: 7, operator: '-', fallback: ['b'] }, '$', { name: 'C', column: 15 }],
      },
      'y',
    ]);
  });

  it('a default ends at the first } that does not close a nested ${', () => {
    const { template, problems } = unquoted('${A:-{x}}');
    expect(ok(template, problems)).toEqual([{ name: 'A', column: 1, operator: ':-', fallback: ['{x'] }, '}']);
  });

  it('a default keeps its spaces', () => {
    const { template, problems } = unquoted('${A:- a b }');
    expect(ok(template, problems)).toEqual([{ name: 'A', column: 1, operator: ':-', fallback: [' a b '] }]);
  });

  it('$$ is a literal $', () => {
    const { template, problems } = unquoted('a$$b$$$$');
    expect(ok(template, problems)).toEqual(['a$b$$']);
  });

  it('$${A} is a literal $ then literal text', () => {
    const { template, problems } = unquoted('$${A}');
    expect(ok(template, problems)).toEqual(['${A}']);
  });

  it('columns start at startColumn', () => {
    const problems = new ProblemCollector();
    expect(scanUnquoted('ab$X', 10, { problems, line: 1 })).toEqual(['ab', { name: 'X', column: 12 }]);
  });

  it('a value without $ is one literal', () => {
    const { template, problems } = unquoted('a#b;c\\d"e\'f{g}h');
    expect(ok(template, problems)).toEqual(['a#b;c\\d"e\'f{g}h']);
  });

  it('an empty value is an empty template', () => {
    const { template, problems } = unquoted('');
    expect(ok(template, problems)).toEqual([]);
  });

  it(`defaults nest ${MAX_REFERENCE_NESTING} deep`, () => {
    const text = '${A:-'.repeat(MAX_REFERENCE_NESTING) + 'x' + '}'.repeat(MAX_REFERENCE_NESTING);
    let template = unquoted(text).template;
    expect(unquoted(text).problems).toEqual([]);
    for (let depth = 0; depth < MAX_REFERENCE_NESTING; depth++) {
      const reference = template[0];
      if (typeof reference === 'string' || reference === undefined) throw new Error('expected a reference');
      template = reference.fallback!;
    }
    expect(template).toEqual(['x']);
  });

  it('nesting deeper is one BAD_REFERENCE at the first too-deep ${', () => {
    const depth = MAX_REFERENCE_NESTING + 5;
    const text = '${A:-'.repeat(depth) + 'x' + '}'.repeat(depth) + '$(';
    const column = MAX_REFERENCE_NESTING * 5 + 1;
    expect(unquoted(text).problems).toEqual([
      {
        line: 1,
        column,
        code: 'BAD_REFERENCE',
        message: `variable references nested more than ${MAX_REFERENCE_NESTING} deep at column ${column}`,
      },
      badReference(text.length - 1),
    ]);
  });

  it('100,000 nested defaults do not overflow the stack', () => {
    const text = '${A:-'.repeat(100_000) + '}'.repeat(100_000);
    expect(unquoted(text).problems.map((p) => p.code)).toEqual(['BAD_REFERENCE']);
  });
});

describe('bad references', () => {
  it.each([
    ['$( command substitution', 'ab$(cmd)', 3],
    ['a positional parameter $1', 'x$1', 2],
    ['a trailing $', 'abc$', 4],
    ['$ before a space', 'a$ b', 2],
    ['$ before punctuation', '$-', 1],
    ['an unclosed ${', 'a${A', 2],
    ['an unclosed ${ with a default', 'a${A:-x', 2],
    ['an unclosed nested ${', '${A:-${B}', 1],
    ['${}', '${}', 1],
    ['${ A }', '${ A }', 1],
    ['${1}', '${1}', 1],
    ['${A:?x}', '${A:?x}', 1],
    ['${A:+x}', '${A:+x}', 1],
    ['${A:=x}', '${A:=x}', 1],
    ['${A?x}', '${A?x}', 1],
    ['${A+x}', '${A+x}', 1],
    ['${A=x}', '${A=x}', 1],
    ['${#A}', '${#A}', 1],
    ['${A%x}', '${A%x}', 1],
    ['${A:x}', '${A:x}', 1],
    ['${A', '${A', 1],
    ['${', '${', 1],
  ])('%s is BAD_REFERENCE at the column of the $', (_, text, column) => {
    expect(unquoted(text).problems).toEqual([badReference(column)]);
  });

  it('a bad reference inside a default is reported, though the default is never used', () => {
    expect(unquoted('${A:-x$(y)}').problems).toEqual([badReference(7)]);
  });

  it('every bad reference of a value is reported', () => {
    expect(unquoted('$( $1 ${}').problems).toEqual([badReference(1), badReference(4), badReference(7)]);
  });

  it('a reference after a bad one is still scanned', () => {
    const { template, problems } = unquoted('${ A } $B');
    expect(problems).toEqual([badReference(1)]);
    expect(template.at(-1)).toEqual({ name: 'B', column: 8 });
  });

  it('the message never contains the text', () => {
    const { problems } = unquoted('S3cr3t$(S3cr3t)');
    expect(problems).toEqual([badReference(7)]);
  });

  it('an unclosed ${, a bad operator or a name that is not one: only the column, never the name or default', () => {
    expect(unquoted('Pa55${wordXYZsecret').problems).toEqual([badReference(5)]);
    expect(unquoted('Pa55${wordXYZ:?secret}').problems).toEqual([badReference(5)]);
    expect(unquoted('Pa55${wordXYZ:-secret').problems).toEqual([badReference(5)]);
    expect(unquoted('Pa55${9wordXYZ}').problems).toEqual([badReference(5)]);
    expect(quoted('"Pa55${wordXYZ:-sec"ret}').problems).toEqual([badReference(6)]);
  });
});

describe('double-quoted values', () => {
  it('returns the index after the closing quote', () => {
    const { template, end, problems } = quoted('"abc" ; c');
    expect(ok(template, problems)).toEqual(['abc']);
    expect(end).toBe(5);
  });

  it('starts at startIndex and reports columns in the line', () => {
    const problems = new ProblemCollector();
    expect(scanDoubleQuoted('k = "$X"', 4, { problems, line: 7 })).toEqual({
      template: [{ name: 'X', column: 6 }],
      end: 8,
    });
  });

  it('an unterminated value has no end', () => {
    const { template, end, problems } = quoted('"abc');
    expect(ok(template, problems)).toEqual(['abc']);
    expect(end).toBeUndefined();
  });

  it.each([
    ['\\"', '"'],
    ['\\\\', '\\'],
    ['\\/', '/'],
    ['\\b', '\b'],
    ['\\f', '\f'],
    ['\\n', '\n'],
    ['\\r', '\r'],
    ['\\t', '\t'],
    ['\\u00e9', 'é'],
    ['\\u00E9', 'é'],
    ['\\u0000', '\u0000'],
  ])('the escape %s', (escape, expected) => {
    const { template, problems } = quoted(`"<${escape}>"`);
    expect(ok(template, problems)).toEqual([`<${expected}>`]);
  });

  it('a surrogate pair escape is one character', () => {
    const { template, problems } = quoted('"\\uD83D\\uDE00"');
    expect(ok(template, problems)).toEqual(['😀']);
  });

  it('a lone high surrogate escape is a SYNTAX problem', () => {
    expect(quoted('"a\\uD83Db"').problems).toEqual([
      syntax(3, 'invalid escape: a \\u surrogate must be a high-low pair'),
    ]);
  });

  it('a lone low surrogate escape is a SYNTAX problem', () => {
    expect(quoted('"\\uDE00"').problems).toEqual([
      syntax(2, 'invalid escape: a \\u surrogate must be a high-low pair'),
    ]);
  });

  it('two high surrogate escapes are a SYNTAX problem each', () => {
    expect(quoted('"\\uD83D\\uD83D"').problems).toEqual([
      syntax(2, 'invalid escape: a \\u surrogate must be a high-low pair'),
      syntax(8, 'invalid escape: a \\u surrogate must be a high-low pair'),
    ]);
  });

  it('\\u needs four hex digits', () => {
    expect(quoted('"\\u12g4"').problems).toEqual([syntax(2, 'invalid escape: \\u needs four hex digits')]);
  });

  it('\\u cut short by the closing quote', () => {
    const { end, problems } = quoted('"\\u12"');
    expect(problems).toEqual([syntax(2, 'invalid escape: \\u needs four hex digits')]);
    expect(end).toBe(6);
  });

  it.each(['\\x41', '\\a', "\\'", '\\$', '\\ ', '\\{'])('%s is an invalid escape', (escape) => {
    expect(quoted(`"a${escape}"`).problems).toEqual([syntax(3, 'invalid escape (use \\\\ for a backslash)')]);
  });

  it('a backslash ending the line leaves the value unterminated, with no escape problem', () => {
    const { end, problems } = quoted('"abc\\');
    expect(problems).toEqual([]);
    expect(end).toBeUndefined();
  });

  it('an escaped quote does not end the value', () => {
    const { template, end, problems } = quoted('"a\\"b" x');
    expect(ok(template, problems)).toEqual(['a"b']);
    expect(end).toBe(6);
  });

  it('interpolates, with $$ as a literal $', () => {
    const { template, problems } = quoted('"$$${A}$B-"');
    expect(ok(template, problems)).toEqual(['$', { name: 'A', column: 4 }, { name: 'B', column: 8 }, '-']);
  });

  it('\\u0024 is a literal $, never the start of a reference', () => {
    const { template, problems } = quoted('"\\u0024HOME"');
    expect(ok(template, problems)).toEqual(['$HOME']);
  });

  it('escapes are processed inside a default', () => {
    const { template, problems } = quoted('"${A:-a\\tb\\"c}"');
    expect(ok(template, problems)).toEqual([{ name: 'A', column: 2, operator: ':-', fallback: ['a\tb"c'] }]);
  });

  it('an escaped } inside a default is literal', () => {
    const { template, problems } = quoted('"${A:-\\u007d}"');
    expect(ok(template, problems)).toEqual([{ name: 'A', column: 2, operator: ':-', fallback: ['}'] }]);
  });

  it('the first unescaped " ends the value, also inside ${…}', () => {
    const { end, problems } = quoted('"${A:-x" y');
    expect(problems).toEqual([badReference(2)]);
    expect(end).toBe(8);
  });

  it('a " right after ${NAME ends the value', () => {
    const { end, problems } = quoted('"${A"');
    expect(problems).toEqual([badReference(2)]);
    expect(end).toBe(5);
  });

  it('the line ending inside ${…} is an unclosed reference and no end', () => {
    const { end, problems } = quoted('"${A:-x');
    expect(problems).toEqual([badReference(2)]);
    expect(end).toBeUndefined();
  });

  it('an invalid escape and a bad reference are both reported', () => {
    expect(quoted('"\\q$("').problems).toEqual([
      syntax(2, 'invalid escape (use \\\\ for a backslash)'),
      badReference(4),
    ]);
  });
});

describe('problem context', () => {
  it('file, line, section and key are copied into every problem', () => {
    const problems = new ProblemCollector();
    scanUnquoted('$(', 5, { problems, file: 'f.ini', line: 3, section: 's', key: 'k' });
    expect(problems.problems).toEqual([
      {
        file: 'f.ini',
        line: 3,
        section: 's',
        key: 'k',
        column: 5,
        code: 'BAD_REFERENCE',
        message:
          'bad variable reference at column 5: write $$ for a literal $, or single-quote the value to take it as written',
      },
    ]);
  });
});
