import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretsError } from '../lib/errors';
import { parseKeyPath, planRotations, rewrite, type KeyPath } from '../lib/cli/rotate-plan';
import { ALPHANUMERIC, bytesOfShape, shapeOfBytes, tokenOfShape, tokenShape } from '../lib/cli/tokens';
import { replaceSpans, textLines, valueSpan } from '../lib/cli/value-span';
import { parseIni } from '../lib/sources/parse';

describe('tokens: shapeOfBytes and bytesOfShape', () => {
  it.each([
    ['hex', 20, 40],
    ['hex', 1, 2],
    ['base64url', 20, 27],
    ['base64url', 32, 43],
    ['base64url', 3, 4],
    ['base64url', 1, 2],
    ['base64url', 2, 3],
  ] as const)('%s of %i bytes is %i characters, and back', (encoding, bytes, length) => {
    expect(shapeOfBytes(encoding, bytes)).toEqual({ encoding, length });
    expect(bytesOfShape({ encoding, length })).toBe(bytes);
  });

  it('lengths it does not make: 41 hex digits carry 21 bytes, 41 base64url characters 30', () => {
    expect(bytesOfShape({ encoding: 'hex', length: 41 })).toBe(21);
    expect(bytesOfShape({ encoding: 'base64url', length: 41 })).toBe(30);
  });
});

describe('parseKeyPath', () => {
  it.each([
    ['session.secret', { section: 'session', key: 'secret' }],
    ['oauth.github.secret', { section: 'oauth.github', key: 'secret' }],
    ['secret', undefined],
    ['.secret', undefined],
    ['session.', undefined],
  ])('%s', (argument, expected) => {
    expect(parseKeyPath(argument)).toEqual(expected);
  });
});

describe('valueSpan', () => {
  it.each([
    ['k = abc  ', 'abc'],
    ['k=abc', 'abc'],
    ['  k =\t"a\\"b" # c', 'a\\"b'],
    ["k = 'a \"b' ; c", 'a "b'],
    ['k =', ''],
    ['k = a # not a comment', 'a # not a comment'],
  ])('%j: the value is %j', (line, value) => {
    const lines = textLines(`[s]\r\n${line}\n`);
    const span = valueSpan(lines, 2);
    expect('refused' in span).toBe(false);
    const { start, end } = span as { start: number; end: number };
    expect(`[s]\r\n${line}\n`.slice(start, end)).toBe(value);
  });

  it('textLines splits at CRLF, CR and LF, with offsets', () => {
    expect(textLines('a\r\nb\rc\nd')).toEqual([
      { start: 0, text: 'a' },
      { start: 3, text: 'b' },
      { start: 5, text: 'c' },
      { start: 7, text: 'd' },
    ]);
  });

  it('replaceSpans keeps the style of an empty "key=": no space is added when none is before the "="', () => {
    const text = '[s]\na=\r\nb\t=\n';
    const lines = textLines(text);
    const spans = [2, 3].map((line) => valueSpan(lines, line) as { start: number; end: number; quote: undefined });
    expect(
      replaceSpans(
        text,
        spans.map((span) => ({ span, value: 'T' })),
      ),
    ).toBe('[s]\na=T\r\nb\t= T\n');
  });

  it('replaceSpans puts a space after a bare "=" only', () => {
    const text = '[s]\na =\nb = "" \n';
    const lines = textLines(text);
    const spans = [2, 3].map((line) => valueSpan(lines, line) as { start: number; end: number; quote: undefined });
    expect(
      replaceSpans(
        text,
        spans.map((span) => ({ span, value: 'T' })),
      ),
    ).toBe('[s]\na = T\nb = "T" \n');
  });
});

describe('planRotations', () => {
  it('keeps upper-case hex upper-case, and the length', () => {
    const text = '[s]\nk = 0123456789ABCDEF0123\n';
    const [rotation] = planRotations(text, parseIni(text), 'f', [{ section: 's', key: 'k' }], { force: false });
    expect(rotation!.shape).toEqual({ encoding: 'hex', length: 20 });
    expect(rotation!.token).toMatch(/^[0-9A-F]{20}$/);
    expect(rewrite(text, parseIni(text), 'f', [rotation!])).toBe(`[s]\nk = ${rotation!.token}\n`);
  });

  it('a base64url value stays base64url of its length; --bytes keeps the encoding', () => {
    const text = '[s]\nk = Ab3_Cd4-Ef5Gh6Ij7Kl8\n';
    const parsed = parseIni(text);
    const path = [{ section: 's', key: 'k' }];
    expect(planRotations(text, parsed, 'f', path, { force: false })[0]!.shape).toEqual({
      encoding: 'base64url',
      length: 20,
    });
    expect(planRotations(text, parsed, 'f', path, { force: false, bytes: 32 })[0]!.shape).toEqual({
      encoding: 'base64url',
      length: 43,
    });
  });
});

/** Random files of the dialect: every quoting style, comments, blank lines, CRLF / CR / LF. */
const SAFE = 'abcXYZ019 _-./:@#;=!%&*+,'.split('');
const unquoted = fc
  .array(fc.constantFrom(...SAFE), { maxLength: 12 })
  .map((chars) => chars.join('').trim())
  .filter((v) => !v.startsWith('#') || v === '');
const single = fc
  .array(fc.constantFrom(...SAFE, '"', '$', '\\'), { maxLength: 12 })
  .map((chars) => `'${chars.join('')}'`);
const double = fc
  .array(fc.constantFrom(...SAFE, '\\"', '\\n', '\\\\', "'"), { maxLength: 10 })
  .map((parts) => `"${parts.join('')}"`);
const value = fc.oneof(
  unquoted,
  single,
  double,
  fc.constant('${DB_TOKEN:-x}'),
  fc.constantFrom('0123456789abcdef$$0123', 'ab${X}0123456789abcdef', '"a$$b${X:-\\"}c"'),
  fc.constant('0123456789abcdef0123'),
  fc.constantFrom(
    'MBg2B/xxs0eraQF7KufU8yjgL/d/y0Q+homApH2+1K8=',
    '"Xb3kQ9zTw7Lm2VnRt5Yp8Hc1"',
    "'Ab3_Cd4-Ef5Gh6Ij7Kl8'",
  ),
  fc.tuple(fc.oneof(single, double), fc.constantFrom('  # c', ' ;c', '')).map(([v, c]) => v + c),
);
const entry = fc.tuple(fc.constantFrom(' = ', '=', ' =\t', '  =  '), value, fc.constantFrom('', ' ', '\t'));
const sectionNames = ['session', 'oauth.github', 'db'];
const file = fc
  .tuple(
    fc.array(fc.array(entry, { maxLength: 4 }), { minLength: 3, maxLength: 3 }),
    fc.constantFrom('\n', '\r\n', '\r'),
    fc.boolean(),
  )
  .map(([sections, eol, comments]) =>
    sections
      .map(
        (entries, index) =>
          `${comments ? `# section ${index}${eol}${eol}` : ''}[${sectionNames[index]}]${eol}` +
          entries.map(([eq, v, trailing], k) => `key${k}${eq}${v}${trailing}${eol}`).join(''),
      )
      .join(''),
  );

describe('rotate: parse(new) equals parse(old) but for the rotated keys', () => {
  it('on random files, with --force and every shape option', () => {
    fc.assert(
      fc.property(
        file,
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3 })), { maxLength: 5 }),
        fc.constantFrom(undefined, 'hex', 'base64url'),
        fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
        (text, picks, encoding, bytes) => {
          const parsed = parseIni(text);
          const paths: KeyPath[] = picks
            .map(([s, k]) => ({ section: sectionNames[s]!, key: `key${k}` }))
            .filter((p) => parsed.sections.get(p.section)?.entries.has(p.key));
          let rotations;
          try {
            rotations = planRotations(text, parsed, 'f', paths, {
              force: true,
              ...(encoding && { encoding }),
              ...(bytes !== undefined && { bytes }),
            });
          } catch (error) {
            // The only refusal left with --force: an unquoted value ending with a backslash.
            expect((error as SecretsError).codes.every((code) => code === 'INVALID_OPTION')).toBe(true);
            return;
          }
          const next = rewrite(text, parsed, 'f', rotations);
          const rotated = new Map(rotations.map((r) => [`${r.path.section}.${r.path.key}`, r.token]));
          const after = parseIni(next);
          expect([...after.sections.keys()]).toEqual([...parsed.sections.keys()]);
          for (const section of parsed.sections.values()) {
            for (const old of section.entries.values()) {
              const token = rotated.get(`${section.name}.${old.key}`);
              expect(after.sections.get(section.name)!.entries.get(old.key)).toEqual(
                token === undefined ? old : { ...old, template: [token] },
              );
            }
          }
          // Lines of keys not rotated are byte-identical, line ends included.
          const changed = new Set(rotations.map((r) => r.line - 1));
          const before = text.split(/(?<=\r\n|\r(?!\n)|\n)/);
          const now = next.split(/(?<=\r\n|\r(?!\n)|\n)/);
          expect(now.length).toBe(before.length);
          before.forEach((line, index) => {
            if (!changed.has(index)) expect(now[index]).toBe(line);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('planRotations: the shape of the current value is kept exactly', () => {
  const plan = (value: string, options: { bytes?: number; encoding?: 'hex' | 'base64url' } = {}) => {
    const text = `[s]\nk = ${value}\n`;
    const [rotation] = planRotations(text, parseIni(text), 'f', [{ section: 's', key: 'k' }], {
      force: false,
      ...options,
    });
    return rotation!;
  };

  it('a base64url token without a digit (as rotate --base64url writes about 1 time in 100) is rotated again', () => {
    const rotation = plan('Xb_kQzT-wLmVnRtYpHcJdFgKsAeWqAbCdEfGhIjKlMn');
    expect(rotation.shape).toEqual({ encoding: 'base64url', length: 43 });
    expect(rotation.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('standard base64 with padding (openssl rand -base64 32) stays base64 of 32 bytes, padding included', () => {
    const rotation = plan('MBg2B/xxs0eraQF7KufU8yjgL/d/y0Q+homApH2+1K8=');
    expect(rotation.shape).toEqual({ encoding: 'base64', length: 44, padding: 1 });
    expect(rotation.token).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(rotation.token, 'base64')).toHaveLength(32);
    expect(bytesOfShape(rotation.shape)).toBe(32);
  });

  it('standard base64 with two "=" (31 bytes) keeps both', () => {
    const rotation = plan('MBg2B/xxs0eraQF7KufU8yjgL/d/y0Q+homApH2+1A==');
    expect(rotation.shape).toEqual({ encoding: 'base64', length: 44, padding: 2 });
    expect(rotation.token).toMatch(/^[A-Za-z0-9+/]{42}==$/);
  });

  it('padded base64url (a Fernet key: urlsafe_b64encode of 32 bytes) stays padded base64url of 32 bytes', () => {
    const rotation = plan('Xb3kQ9zT_w7Lm2Vn-Rt5Yp8Hc1Jd4Fg6Ks0Ae3WqZ0E=');
    expect(rotation.shape).toEqual({ encoding: 'base64url', length: 44, padding: 1 });
    expect(rotation.token).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(Buffer.from(rotation.token, 'base64url')).toHaveLength(32);
    expect(bytesOfShape(rotation.shape)).toBe(32);
  });

  it('padded letters and digits (either alphabet: no + / - _) stay letters and digits, padded: valid in both', () => {
    const rotation = plan('Xb3kQ9zTw7Lm2VnRt5Yp8Hc1Jd4Fg6Ks0Ae3WqZ0Eab=');
    expect(rotation.shape).toEqual({ encoding: 'base64', length: 44, padding: 1, alphabet: ALPHANUMERIC });
    expect(rotation.token).toMatch(/^[A-Za-z0-9]{43}=$/);
    expect(bytesOfShape(rotation.shape)).toBe(32);
    expect(plan('Xb3kQ9zTw7Lm2VnRt5Yp8Hc1Jd4Fg6Ks0Ae3WqZ0Eab=', { bytes: 32 }).token).toMatch(/^[A-Za-z0-9]{43}=$/);
  });

  it('standard base64 --hex: the same 32 bytes as 64 hex digits', () => {
    expect(plan('MBg2B/xxs0eraQF7KufU8yjgL/d/y0Q+homApH2+1K8=', { encoding: 'hex' }).shape).toEqual({
      encoding: 'hex',
      length: 64,
    });
  });

  it('standard base64 --bytes 48: 64 characters, no padding', () => {
    const rotation = plan('MBg2B/xxs0eraQF7KufU8yjgL/d/y0Q+homApH2+1K8=', { bytes: 48 });
    expect(rotation.shape).toEqual({ encoding: 'base64', length: 64, padding: 0 });
    expect(rotation.token).toMatch(/^[A-Za-z0-9+/]{64}$/);
  });

  it('letters and digits only (no "-" or "_") stay letters and digits: @IsAlphanumeric / @IsBase64 still pass', () => {
    const rotation = plan('Xb3kQ9zTw7Lm2VnRt5Yp8Hc1Jd4Fg6Ks0Ae3WqZ0Eabc');
    expect(rotation.shape).toEqual({
      encoding: 'alphanumeric',
      length: 44,
      alphabet: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
    });
    expect(rotation.token).toMatch(/^[A-Za-z0-9]{44}$/);
    // 44 characters of 62 carry 261 bits: 32 whole bytes, as --hex shows.
    expect(bytesOfShape(rotation.shape)).toBe(32);
  });

  it('lower-case letters and digits only stay so (36 characters: 5.17 bits each)', () => {
    const rotation = plan('k3q9z7x2m4n8p1r5t6v0w3y7b2c9d4f8');
    expect(rotation.shape).toEqual({
      encoding: 'alphanumeric',
      length: 32,
      alphabet: 'abcdefghijklmnopqrstuvwxyz0123456789',
    });
    expect(rotation.token).toMatch(/^[a-z0-9]{32}$/);
    expect(bytesOfShape(rotation.shape)).toBe(20);
  });

  it('letters and digits --bytes 32 keeps the alphabet: 43 of 62 characters (256 bits)', () => {
    expect(plan('Xb3kQ9zTw7Lm2VnRt5Yp8Hc1', { bytes: 32 }).shape).toEqual({
      encoding: 'alphanumeric',
      length: 43,
      alphabet: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
    });
  });

  it('0x-prefixed hex (an Ethereum private key) keeps its 0x and 64 digits; --bytes keeps the 0x; --base64url drops it', () => {
    const key = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
    const rotation = plan(key);
    expect(rotation.shape).toEqual({ encoding: 'hex', length: 64, prefix: '0x' });
    expect(rotation.token).toMatch(/^0x[0-9a-f]{64}$/);
    expect(plan(key, { bytes: 16 }).token).toMatch(/^0x[0-9a-f]{32}$/);
    expect(plan(key, { encoding: 'base64url' }).token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(plan('0X0123456789ABCDEF0123').token).toMatch(/^0X[0-9A-F]{20}$/);
  });

  it('a UUID becomes a fresh random UUID (version 4), not 36 base64url characters: @IsUUID still passes', () => {
    const rotation = plan('550e8400-e29b-41d4-a716-446655440000');
    expect(rotation.shape).toEqual({ encoding: 'uuid', length: 36 });
    expect(rotation.token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(plan('550E8400-E29B-41D4-A716-446655440000').token).toMatch(
      /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/,
    );
  });

  it('a UUID with --bytes 32 is 64 hex digits; with --base64url its 15 whole random bytes (20 characters)', () => {
    expect(plan('550e8400-e29b-41d4-a716-446655440000', { bytes: 32 }).shape).toEqual({ encoding: 'hex', length: 64 });
    expect(plan('550e8400-e29b-41d4-a716-446655440000', { encoding: 'base64url' }).shape).toEqual({
      encoding: 'base64url',
      length: 20,
    });
  });

  it.each([
    [
      '"$$" (a literal "$")',
      '0123456789abcdef$$0123',
      `f:2 [s] k: is not a mix of letters and digits (alone, or with base64url's "-" "_" or base64's "+" "/" "="); rotate replaces generated-looking tokens only (16 or more characters: hex, or letters and digits mixed, alone or as base64url or base64 write them): use --force to replace it anyway`,
    ],
    [
      '"${VAR}" inside a longer value',
      '0123456789abcdef${SALT}',
      'f:2 [s] k: reads a variable ($SALT), whose value is set elsewhere: rotate it there, or use --force to replace the reference with a token',
    ],
    [
      'a "$" followed by a name that is not conventional (it may be the rest of a password)',
      '0123456789abcdef$wordXYZ',
      'f:2 [s] k: reads a variable (a $ reference), whose value is set elsewhere: rotate it there, or use --force to replace the reference with a token',
    ],
  ])('a token with %s is refused', (_name, value, message) => {
    let thrown: unknown;
    try {
      plan(value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SecretsError);
    expect((thrown as SecretsError).message).toBe(message);
  });

  it.each([
    ['one letter case and "-" only (a phrase)', 'correct-horse-battery'],
    ['letters only', 'correcthorsebatterystaple'],
    ['base64 whose "=" is not at the end', 'MBg2B/xxs0era=QF7KufU8yjgL'],
    ['base64 with padding but a length not a multiple of 4', 'MBg2B/xxs0eraQF7KufU8yjgL/d/y0Q+homApH2+1K='],
    ['both alphabets ("+" and "_")', 'MBg2B+xxs0eraQF7_KufU8yjgL'],
  ])('%s is refused without --force', (_name, value) => {
    expect(() => plan(value)).toThrow(
      new SecretsError([
        {
          code: 'INVALID_OPTION',
          file: 'f',
          line: 2,
          section: 's',
          key: 'k',
          message: `is not a mix of letters and digits (alone, or with base64url's "-" "_" or base64's "+" "/" "="); rotate replaces generated-looking tokens only (16 or more characters: hex, or letters and digits mixed, alone or as base64url or base64 write them): use --force to replace it anyway`,
        },
      ]),
    );
  });
});

describe('tokens: what rotate writes, rotate takes for a token again', () => {
  it('every encoding, 8 to 64 bytes: a token of 16+ characters has a shape of the same length', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('hex', 'base64url', 'base64', 'alphanumeric') as fc.Arbitrary<
          'hex' | 'base64url' | 'base64' | 'alphanumeric'
        >,
        fc.constantFrom(ALPHANUMERIC, 'abcdefghijklmnopqrstuvwxyz0123456789'),
        fc.integer({ min: 8, max: 64 }),
        (encoding, alphabet, bytes) => {
          const shape = shapeOfBytes(encoding, bytes, alphabet);
          fc.pre(shape.length >= 16);
          const token = tokenOfShape(shape);
          expect(token).toHaveLength(shape.length);
          expect(tokenShape(token)?.length).toBe(shape.length);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('tokens: letters-and-digits tokens keep every class of their alphabet', () => {
  it('3000 tokens of 16 characters of [a-z0-9] each hold a letter and a digit (without the redraw, 1 in 180 has no digit)', () => {
    const shape = { encoding: 'alphanumeric', length: 16, alphabet: 'abcdefghijklmnopqrstuvwxyz0123456789' } as const;
    const shapes = new Set(Array.from({ length: 3000 }, () => JSON.stringify(tokenShape(tokenOfShape(shape)))));
    expect([...shapes]).toEqual([JSON.stringify(shape)]);
  });
});
