import { describe, expect, it } from 'vitest';
import { SecretsError } from '../lib/errors';
import { interpolate } from '../lib/sources/interpolate';
import { parseIni } from '../lib/sources/parse';
import type { Environment } from '../lib/environment-variables';

/** Interpolates `[s] k = <value>` and returns k's value. */
function value(text: string, env: Environment = {}): string | undefined {
  return interpolate(parseIni(`[s]\nk = ${text}\n`, '/x.ini'), env, '/x.ini')
    .get('s')
    ?.values.get('k')?.value;
}

function failure(text: string, env: Environment = {}): SecretsError {
  try {
    interpolate(parseIni(text, '/x.ini'), env, '/x.ini');
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError);
    return error as SecretsError;
  }
  throw new Error('expected a SecretsError');
}

describe('interpolation, as in POSIX shell parameter expansion', () => {
  it('substitutes $NAME and ${NAME}', () => {
    expect(value('$USER_NAME@${HOST}:x', { USER_NAME: 'ann', HOST: 'db' })).toBe('ann@db:x');
  });

  it('takes the longest name for $NAME', () => {
    expect(value('$AB-$A', { A: '1', AB: '2' })).toBe('2-1');
  });

  it('substitutes into double-quoted values, never into single-quoted ones', () => {
    expect(value('"x $A y"', { A: '1' })).toBe('x 1 y');
    expect(value("'x $A y'", { A: '1' })).toBe('x $A y');
  });

  it('keeps a substituted value exactly, never scanning it again', () => {
    expect(value('$FACEBOOK_API_KEY', { FACEBOOK_API_KEY: 'abc$def' })).toBe('abc$def');
    expect(value('"$A"', { A: '\\n${B}"', B: 'no' })).toBe('\\n${B}"');
  });

  it('treats $$ as a literal $', () => {
    expect(value('a$$b$$', {})).toBe('a$b$');
    expect(value('$$A', { A: 'no' })).toBe('$A');
  });

  it('uses ${NAME:-default} when unset or empty', () => {
    expect(value('${A:-dflt}', {})).toBe('dflt');
    expect(value('${A:-dflt}', { A: '' })).toBe('dflt');
    expect(value('${A:-dflt}', { A: 'set' })).toBe('set');
  });

  it('uses ${NAME-default} only when unset', () => {
    expect(value('${A-dflt}', {})).toBe('dflt');
    expect(value('${A-dflt}', { A: '' })).toBe('');
  });

  it('evaluates references and $$ inside a default', () => {
    expect(value('${A:-${B}-$$}', { B: 'b' })).toBe('b-$');
    expect(value('${A:-${B:-${C}}}', { C: 'c' })).toBe('c');
  });

  it('evaluates a default only when it is used', () => {
    expect(value('${A:-$UNSET}', { A: 'a' })).toBe('a');
  });

  it('ignores inherited properties of the env object', () => {
    expect(value('${constructor:-x}', {})).toBe('x');
    expect(failure('[s]\nk = $__proto__\n').codes).toEqual(['UNSET_VARIABLE']);
  });

  it('reports an unset variable naming file, line, column, section, key and variable', () => {
    expect(failure('[facebook]\nconsumer_secret = $FACEBOOK_API_KEY\n').problems).toEqual([
      {
        code: 'UNSET_VARIABLE',
        file: '/x.ini',
        line: 2,
        column: 19,
        section: 'facebook',
        key: 'consumer_secret',
        message: 'variable FACEBOOK_API_KEY is not set (use ${FACEBOOK_API_KEY:-default} for a fallback)',
      },
    ]);
  });

  it('reports every unset variable at once, also in a used default', () => {
    expect(failure('[a]\nx = $ONE\n[b]\ny = ${TWO:-$THREE}\n').problems.map((p) => [p.line, p.message])).toEqual([
      [2, 'variable ONE is not set (use ${ONE:-default} for a fallback)'],
      [4, 'variable THREE is not set (use ${THREE:-default} for a fallback)'],
    ]);
  });

  describe('a name that is not a conventional variable name is never shown', () => {
    // In `Pa55$wordXYZsecret` the "variable" is the rest of a password whose $ was meant literally.
    const HIDDEN =
      'the $ here starts a reference to a variable that is not set (its name is not shown: it is not an ' +
      'upper-case variable name like API_KEY, so it may be part of the value); ' +
      'write $$ for a literal $, or single-quote the value to take it as written';

    it('points at the $ by file, line, column, section and key', () => {
      const error = failure('[db]\npassword = Pa55$wordXYZsecret\n');
      expect(error.problems).toEqual([
        {
          code: 'UNSET_VARIABLE',
          file: '/x.ini',
          line: 2,
          column: 16,
          section: 'db',
          key: 'password',
          message: HIDDEN,
        },
      ]);
      expect(error.message).toBe(`/x.ini:2:16 [db] password: ${HIDDEN}`);
    });

    it('shows only [A-Z_][A-Z0-9_]* names of at most 64 characters, braced, in a fallback or in double quotes', () => {
      const long = 'A'.repeat(64);
      const text =
        '[s]\n' +
        `a = $${long}\n` +
        `b = $${long}B\n` +
        'c = ${_UNDER_1}\n' +
        'd = ${lower}\n' +
        'e = ${X:-x$Mixed_Case}\n' +
        'f = "q$word9"\n' +
        'g = $_\n' +
        'h = ${A1:-${b2-fallback-text}}\n';
      expect(failure(text).problems.map((p) => [p.key, p.column, p.message])).toEqual([
        ['a', 5, `variable ${long} is not set (use \${${long}:-default} for a fallback)`],
        ['b', 5, HIDDEN],
        ['c', 5, 'variable _UNDER_1 is not set (use ${_UNDER_1:-default} for a fallback)'],
        ['d', 5, HIDDEN],
        ['e', 11, HIDDEN],
        ['f', 7, HIDDEN],
        ['g', 5, 'variable _ is not set (use ${_:-default} for a fallback)'],
      ]);
    });

    it('a set variable with such a name is read as usual', () => {
      expect(value('Pa55$wordXYZsecret', { wordXYZsecret: '-x' })).toBe('Pa55-x');
    });
  });

  it('an empty variable is set: $A gives the empty string', () => {
    expect(value('[$A]', { A: '' })).toBe('[]');
  });

  it('interpolates sections no DTO claims too, in file order', () => {
    const raw = interpolate(parseIni('[b]\nk = $A\n[a]\nk = x\n'), { A: '1' });
    expect([...raw.keys()]).toEqual(['b', 'a']);
    expect(raw.get('b')?.values.get('k')).toEqual({ value: '1', line: 2 });
  });

  it('does not interpolate keys that are overridden', () => {
    const raw = interpolate(parseIni('[s]\nk = $UNSET\nj = x\n'), {}, undefined, { s: { k: 'o' } });
    expect([...raw.get('s')!.values.keys()]).toEqual(['j']);
  });
});
