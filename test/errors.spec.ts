import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { formatProblem, isPresentableName, ProblemCollector, SECRETS_ERROR_CODES, SecretsError } from '../lib/errors';

describe('formatProblem', () => {
  it('formats file, line, section and key as <file>:<line> [<section>] <key>: <message>', () => {
    expect(
      formatProblem({
        code: 'EMPTY_VALUE',
        file: '/app/production-secrets.ini',
        line: 7,
        section: 'facebook',
        key: 'consumer_secret',
        message: 'is empty',
      }),
    ).toBe('/app/production-secrets.ini:7 [facebook] consumer_secret: is empty');
  });

  it('adds the column after the line', () => {
    expect(
      formatProblem({
        code: 'BAD_REFERENCE',
        file: '/a.ini',
        line: 2,
        column: 9,
        section: 's',
        key: 'k',
        message: 'm',
      }),
    ).toBe('/a.ini:2:9 [s] k: m');
  });

  it('leaves out what is unknown', () => {
    expect(
      formatProblem({ code: 'MISSING_SECTION', file: '/a.ini', section: 'twitter', message: 'section is missing' }),
    ).toBe('/a.ini [twitter]: section is missing');
    expect(formatProblem({ code: 'NOT_FOUND', message: 'nothing' })).toBe('nothing');
    expect(formatProblem({ code: 'VALIDATION', section: 's', key: 'k', message: 'm' })).toBe('[s] k: m');
  });
});

describe('SecretsError', () => {
  const error = new SecretsError([
    { code: 'MISSING_KEY', file: '/a.ini', line: 1, section: 's', key: 'a', message: 'key is missing' },
    { code: 'EMPTY_VALUE', file: '/a.ini', line: 3, section: 's', key: 'b', message: 'value is empty' },
  ]);

  it('lists every problem, one per line', () => {
    expect(error.message).toBe('/a.ini:1 [s] a: key is missing\n/a.ini:3 [s] b: value is empty');
    expect(error.codes).toEqual(['MISSING_KEY', 'EMPTY_VALUE']);
    expect(error.name).toBe('SecretsError');
    expect(error).toBeInstanceOf(Error);
    expect(error.cause).toBeUndefined();
  });

  it('serialises to its problems', () => {
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'SecretsError',
      message: error.message,
      problems: error.problems,
    });
  });

  it('freezes its problems', () => {
    expect(Object.isFrozen(error.problems)).toBe(true);
    expect(Object.isFrozen(error.problems[0])).toBe(true);
    expect(inspect(error)).toContain("code: 'MISSING_KEY'");
  });

  it('refuses to be built without a problem', () => {
    expect(() => new SecretsError([])).toThrow(new TypeError('SecretsError needs at least one problem'));
  });
});

describe('large reports', () => {
  it('lists the first 100 problems in the message, then how many more', () => {
    const problems = Array.from({ length: 250 }, (_, i) => ({ code: 'SYNTAX' as const, line: i + 1, message: 'm' }));
    const error = new SecretsError(problems);
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(101);
    expect(lines[99]).toBe('line 100: m');
    expect(lines[100]).toBe('… and 150 more problems');
    expect(error.problems).toHaveLength(250);
  });

  it('a stage keeps at most 1,000 problems', () => {
    const collector = new ProblemCollector();
    for (let i = 0; i < 5000; i++) collector.add({ code: 'SYNTAX', message: 'm' });
    expect(collector.problems).toHaveLength(1000);
  });
});

describe('isPresentableName', () => {
  it.each([
    'consumer_key',
    'app_access_token',
    'DATABASE_URL',
    'apiKey',
    'authomatic.facebook',
    'a-b',
    '_x',
    'sha256_fingerprint',
  ])('shows the name %s', (name) => expect(isPresentableName(name)).toBe(true));

  it.each([
    'base64:Q0FOQVJZbGFyYXZlbDEyMzQ1Njc4OTA+',
    'Q0FOQVJZbGFyYXZlbDEyMzQ1Njc4OTA',
    'ZmVybmV0a2V5/abc',
    'a'.repeat(65),
    '0abc',
    'has space',
    'quote"d',
    'deadbeefcafe0123456789abcdef0123456789ab',
    'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
  ])('hides what looks like a value: %#', (name) => expect(isPresentableName(name)).toBe(false));
});

describe('README', () => {
  it('documents every error code in its table', () => {
    const readme = readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');
    expect(SECRETS_ERROR_CODES.filter((code) => !readme.includes(`| \`${code}\``))).toEqual([]);
  });
});

describe('SecretsError and value-like keys', () => {
  it('leaves a key that looks like a value out of the problem and the message', () => {
    const error = new SecretsError([
      {
        code: 'UNKNOWN_KEY',
        file: '/a.ini',
        line: 3,
        section: 's',
        key: 'Zk9Q0FOQVJZbGFyYXZlbDEy',
        message: 'unknown key',
      },
    ]);
    expect(error.message).toBe('/a.ini:3 [s]: unknown key');
    expect(error.problems).toEqual([
      { code: 'UNKNOWN_KEY', file: '/a.ini', line: 3, section: 's', message: 'unknown key' },
    ]);
  });
});
