/**
 * Attack regressions for SecretsLogger and Secrets.mask: renderings in which
 * a secret appears in a form the masker did not look for.
 */
import { ConsoleLogger } from '@nestjs/common';
import { IsString } from 'class-validator';
import { inspect, stripVTControlCharacters } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadSecrets, SecretsLogger, SecretsSection, type Secrets } from '../lib';

// Canaries: a value with a single quote, and a plain one.
const QUOTED = "k9'xzqwert-canary";
const PLAIN = 'plain-canary-77aa';

@SecretsSection('api')
class ApiSecrets {
  @IsString() quoted!: string;
  @IsString() plain!: string;
}

function captureStdout(): string[] {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation(
    (chunk: unknown) => out.push(stripVTControlCharacters(String(chunk)).replace(/^.*(LOG|\{"level)/, '$1')) > 0,
  );
  return out;
}

let secrets: Secrets;

beforeEach(async () => {
  secrets = await loadSecrets({ sections: [ApiSecrets], values: { api: { quoted: QUOTED, plain: PLAIN } }, env: {} });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a value with ' inside a string that also holds \" and ` (util.inspect escapes it as \\')", () => {
  it('is masked as util.inspect prints it', () => {
    expect(secrets.mask(`'a"b\`k9\\'xzqwert-canary'`)).toBe(`'a"b\`[REDACTED]'`);
  });

  it('is masked in a Map, a Set and under a symbol key, in text and JSON mode', () => {
    const out = captureStdout();
    const text = `a"b\`${QUOTED}`;
    for (const json of [false, true]) {
      const logger = new SecretsLogger(secrets, new ConsoleLogger({ json, colors: false }));
      logger.log(new Map([['k', text]]));
      logger.log(new Set([text]));
      logger.log({ [Symbol('s')]: text });
    }
    expect(out.map((line) => line.replace(/"(pid|timestamp)":\d+,/g, ''))).toEqual([
      "LOG Map(1) { 'k' => 'a\"b`[REDACTED]' }\n",
      "LOG Set(1) { 'a\"b`[REDACTED]' }\n",
      // A plain object is passed on as a copy of its string keys.
      'LOG Object(0) {}\n',
      // A stand-in for a Map or Set prints in JSON as JSON.stringify does.
      '{"level":"log","message":{}}\n',
      '{"level":"log","message":{}}\n',
      '{"level":"log","message":{}}\n',
    ]);
  });
});

describe('a long value with a line break and a double quote', () => {
  it('is masked as util.inspect prints it inside a Map (whole, not split at the line break)', async () => {
    const long = `first "line" canary\n${'y'.repeat(80)}`;
    const withLong = await loadSecrets({ values: { s: { v: long } }, env: {} });
    const out = captureStdout();
    new SecretsLogger(withLong, new ConsoleLogger({ colors: false })).log(new Map([['k', long]]));
    expect(out).toEqual(["LOG Map(1) { 'k' => '[REDACTED]' }\n"]);
  });
});

describe('ConsoleLogger({ showHidden: true })', () => {
  it('does not print a secret held in a non-enumerable property', () => {
    const out = captureStdout();
    const logger = new SecretsLogger(secrets, new ConsoleLogger({ showHidden: true, colors: false }));
    const plain = { id: 1 };
    Object.defineProperty(plain, 'auth', { value: PLAIN });
    class Client {
      id = 2;
    }
    const instance = new Client();
    Object.defineProperty(instance, 'auth', { value: PLAIN });
    logger.log(plain);
    logger.log(instance);
    expect(out).toEqual(['LOG Object(1) {\n  id: 1\n}\n', 'LOG Client { id: 2 }\n']);
    // The caller's objects are unchanged.
    expect([
      Object.getOwnPropertyDescriptor(plain, 'auth')?.value,
      Object.getOwnPropertyDescriptor(instance, 'auth')?.value,
    ]).toEqual([PLAIN, PLAIN]);
  });
});

describe('a Buffer or byte array holding a secret', () => {
  it('prints masked, also past the 50 bytes util.inspect shows of a Buffer', () => {
    const out = captureStdout();
    const logger = new SecretsLogger(secrets, new ConsoleLogger({ colors: false }));
    const long = Buffer.from(`${'-'.repeat(40)}${PLAIN}`);
    logger.log(Buffer.from(PLAIN));
    logger.log({ body: long });
    logger.log({ bytes: new Uint8Array(Buffer.from(PLAIN)) });
    expect(out).toEqual([
      'LOG <Buffer [REDACTED]>\n',
      `LOG Object(1) {\n  body: <Buffer ${'2d '.repeat(40)}[REDACTED]>\n}\n`,
      'LOG Object(1) {\n  bytes: Uint8Array(17) [ [REDACTED] ]\n}\n',
    ]);
  });

  it('is masked as a Buffer prints in JSON', () => {
    expect(secrets.mask(JSON.stringify({ body: Buffer.from(PLAIN) }))).toBe(
      '{"body":{"type":"Buffer","data":[[REDACTED]]}}',
    );
  });
});

describe('a symbol or a function named by a secret', () => {
  it('prints masked', () => {
    const out = captureStdout();
    new SecretsLogger(secrets, new ConsoleLogger({ colors: false })).log(Symbol(PLAIN));
    // A logger of one's own that prints what it is given.
    const printed: string[] = [];
    const inner = { log: (...args: unknown[]) => void printed.push(inspect(args)), error: () => {}, warn: () => {} };
    const named = { [PLAIN]: () => 'lazy message' }[PLAIN]!;
    new SecretsLogger(secrets, inner).log('with a parameter', named, 'Context');
    expect([out, printed]).toEqual([
      ['LOG Symbol([REDACTED])\n'],
      ["[ 'with a parameter', [Function: [REDACTED]], 'Context' ]"],
    ]);
  });
});

describe('a DOMException holding a secret (its name and message are getters of internal slots)', () => {
  it('is logged masked instead of making the logger throw', () => {
    const out: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => out.push(String(chunk)) > 0);
    const logger = new SecretsLogger(secrets, new ConsoleLogger({ json: true, colors: false }));
    logger.error(new DOMException(`aborted ${PLAIN}`, 'AbortError'));
    const line = JSON.parse(out.join('')) as {
      message: string;
      error: { name: string; message: string };
    };
    expect([line.message, line.error.name, line.error.message]).toEqual([
      'aborted [REDACTED]',
      'AbortError',
      'aborted [REDACTED]',
    ]);
  });
});

describe('a JSON text holding a value with " or \\', () => {
  it('is masked inside a logged object (util.inspect escapes the JSON escape again)', async () => {
    const value = 'gen"pass\\word-canary';
    const withQuote = await loadSecrets({ values: { db: { password: value } }, env: {} });
    const out = captureStdout();
    new SecretsLogger(withQuote, new ConsoleLogger({ colors: false })).log({
      body: JSON.stringify({ password: value }),
    });
    expect(out).toEqual(['LOG Object(1) {\n  body: \'{"password":"[REDACTED]"}\'\n}\n']);
  });
});
