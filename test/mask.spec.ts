import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodings, MASK_MIN_LENGTH, Masker, setTableLimit } from '../lib/mask/masker';

/**
 * What `mask` must return, the slow way: every occurrence of every form of
 * every value found with `indexOf`, the covered characters merged into runs,
 * each run replaced by one `[REDACTED]`.
 */
function reference(values: string[], text: string): string {
  const forms = new Set(
    values
      .filter((value) => value.length >= MASK_MIN_LENGTH)
      .flatMap(encodings)
      .filter((form) => !'[REDACTED]'.includes(form)),
  );
  const covered = new Uint8Array(text.length);
  let any = false;
  for (const form of forms) {
    for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) {
      covered.fill(1, at, at + form.length);
      any = true;
    }
  }
  if (!any) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (!covered[i]) out += text[i];
    else if (i === 0 || !covered[i - 1]) out += '[REDACTED]';
  }
  return out;
}

describe('encodings', () => {
  it('lists the value, base64 and base64url with and without padding, hex, URL and JSON forms, each once', () => {
    const value = 'pä$$ w0rd/?🔑"';
    expect(encodings(value)).toEqual([
      'pä$$ w0rd/?🔑"',
      'cMOkJCQgdzByZC8/8J+UkSI=',
      'cMOkJCQgdzByZC8/8J+UkSI',
      'cMOkJCQgdzByZC8_8J-UkSI',
      'cMOkJCQgdzByZC8_8J-UkSI=',
      '70c3a4242420773072642f3ff09f949122',
      '70C3A4242420773072642F3FF09F949122',
      'p%C3%A4%24%24%20w0rd%2F%3F%F0%9F%94%91%22',
      'pä$$ w0rd/?🔑\\"',
    ]);
  });

  it('drops the forms that coincide', () => {
    const value = 'abcdefgh';
    expect(encodings(value)).toEqual(['abcdefgh', 'YWJjZGVmZ2g=', 'YWJjZGVmZ2g', '6162636465666768']);
  });

  it('leaves out the URL form of a value with a lone surrogate, which encodeURIComponent cannot encode', () => {
    const value = 'abcdefgh\ud800';
    expect(encodings(value)).toContain('abcdefgh\\ud800');
    expect(encodings(value).some((form) => form.includes('%'))).toBe(false);
  });
});

describe('Masker.mask', () => {
  const value = 'pä$$ w0rd/?🔑"';
  const masker = new Masker([value]);

  it.each([
    ['the value itself', 'pä$$ w0rd/?🔑"'],
    ['base64', 'cMOkJCQgdzByZC8/8J+UkSI='],
    ['base64 without padding', 'cMOkJCQgdzByZC8/8J+UkSI'],
    ['base64url', 'cMOkJCQgdzByZC8_8J-UkSI'],
    ['base64url with padding', 'cMOkJCQgdzByZC8_8J-UkSI='],
    ['hex', '70c3a4242420773072642f3ff09f949122'],
    ['upper-case hex', '70C3A4242420773072642F3FF09F949122'],
    ['encodeURIComponent', 'p%C3%A4%24%24%20w0rd%2F%3F%F0%9F%94%91%22'],
    ['the JSON string escape', 'pä$$ w0rd/?🔑\\"'],
  ])('masks %s', (_name, form) => {
    expect(masker.mask(`token=${form}; next`)).toBe('token=[REDACTED]; next');
    expect(masker.mask(form)).toBe('[REDACTED]');
  });

  it('masks the value inside a JSON log line', () => {
    const line = JSON.stringify({ level: 'info', msg: `login with ${value} ok` });
    expect(masker.mask(line)).toBe('{"level":"info","msg":"login with [REDACTED] ok"}');
  });

  it('masks every occurrence', () => {
    expect(masker.mask(`${value} and ${value}, ${value}`)).toBe('[REDACTED] and [REDACTED], [REDACTED]');
  });

  it('merges overlapping occurrences into one placeholder', () => {
    const first = 'abcdefghij';
    const second = 'ghijklmnop';
    const both = new Masker([first, second]);
    expect(both.mask('<abcdefghijklmnop>')).toBe('<[REDACTED]>');
    // A value overlapping itself.
    const repeated = new Masker(['abababab']);
    expect(repeated.mask('xabababababx')).toBe('x[REDACTED]x');
  });

  it('masks a value inside another as part of the longer one', () => {
    const outer = 'outer-secret-with-inner-one';
    const inner = 'secret-with';
    const both = new Masker([inner, outer]);
    expect(both.mask(`a ${outer} b secret-with c`)).toBe('a [REDACTED] b [REDACTED] c');
  });

  it('merges an occurrence that reaches back over earlier ones', () => {
    // The two short values end before the long one; the long one swallows both.
    const long = '0123456789abcdefghijklmnopqrstuv';
    const masker3 = new Masker(['23456789', 'ghijklmnop', long]);
    expect(masker3.mask(`[${long}]`)).toBe('[[REDACTED]]');
    expect(masker3.mask('x23456789 ghijklmnop')).toBe('x[REDACTED] [REDACTED]');
  });

  it('merges adjacent occurrences into one placeholder', () => {
    const first = 'aaaaaaaa1';
    const second = 'bbbbbbbb2';
    const both = new Masker([first, second]);
    expect(both.mask('x aaaaaaaa1bbbbbbbb2 y')).toBe('x [REDACTED] y');
    expect(both.mask('x aaaaaaaa1 bbbbbbbb2 y')).toBe('x [REDACTED] [REDACTED] y');
  });

  it('masks values with surrogate pairs and never splits a pair', () => {
    const emoji = '🔑🔒🔓🔐';
    const mixed = 'clé-😀-ключ';
    const unicode = new Masker([emoji, mixed]);
    expect(emoji.length).toBe(8);
    expect(unicode.mask('🔑🔑🔒🔓🔐🔐')).toBe('🔑[REDACTED]🔐');
    expect(unicode.mask('«clé-😀-ключ»')).toBe('«[REDACTED]»');
    expect(unicode.mask('clé-😀-клю')).toBe('clé-😀-клю');
  });

  it(`ignores values shorter than ${MASK_MIN_LENGTH} characters`, () => {
    const seven = 'abcdefg';
    const eight = 'stuvwxyz';
    const boundary = new Masker([seven, eight]);
    expect(boundary.size).toBe(encodings(eight).length);
    expect(boundary.mask('abcdefg stuvwxyz')).toBe('abcdefg [REDACTED]');
    expect(new Masker([seven]).size).toBe(0);
    // Counted in UTF-16 code units: four emoji are eight.
    expect(new Masker(['🔑🔒🔓']).size).toBe(0);
    expect(new Masker(['🔑🔒🔓🔐']).size).toBeGreaterThan(0);
  });

  it('ignores values that are part of the placeholder, which would mask the placeholder', () => {
    const placeholderValue = 'REDACTED';
    const odd = new Masker([placeholderValue]);
    expect(odd.mask('[REDACTED]')).toBe('[REDACTED]');
    expect(odd.mask('REDACTED')).toBe('REDACTED');
    // Its encodings are still masked.
    expect(odd.mask('UkVEQUNURUQ=')).toBe('[REDACTED]');
  });

  it('returns the same string when nothing matches, and for empty input', () => {
    const text = `no secret here, only ${value.slice(0, -1)} and more`;
    expect(masker.mask(text)).toBe(text);
    expect(masker.mask('')).toBe('');
    expect(new Masker([]).mask(text)).toBe(text);
    expect(new Masker([]).size).toBe(0);
  });

  it('is idempotent', () => {
    const text = `a ${value} b cMOkJCQgdzByZC8/8J+UkSI= c`;
    const once = masker.mask(text);
    expect(masker.mask(once)).toBe(once);
  });

  it('is not idempotent for a value that begins with the end of the placeholder (the documented exception)', () => {
    const first = 'tokenvalue1';
    const second = 'D]secret1';
    const odd = new Masker([first, second]);
    expect(odd.mask('tokenvalue1secret1')).toBe('[REDACTED]secret1');
    expect(odd.mask('[REDACTED]secret1')).toBe('[REDACTE[REDACTED]');
  });

  it('masks with 1,000 values', () => {
    const values = Array.from({ length: 1000 }, (_, i) => `${i}-${randomBytes(12 + (i % 20)).toString('base64')}`);
    const many = new Masker(values);
    expect(many.size).toBeGreaterThan(5000);
    const lines: string[] = [];
    for (let i = 0; i < 1000; i += 7) {
      const forms = encodings(values[i]!);
      lines.push(`line ${i}: ${forms[i % forms.length]} then ${values[(i * 13) % 1000]}.`);
    }
    const text = lines.join('\n');
    const masked = many.mask(text);
    expect(masked).toBe(reference(values, text));
    expect(masked.split('\n').every((line) => /^line \d+: \[REDACTED\] then \[REDACTED\]\.$/.test(line))).toBe(true);
  });
});

/** Values and text over a small alphabet, so that values overlap, nest and touch often. */
const unit = fc.constantFrom('a', 'b', 'c', 'é', '€', '😀', '"', '\\', '%', '/', '+', '=', 'Y', 'W', '6', '1', ' ');
const valueArb = fc.string({ unit, minLength: 6, maxLength: 14 });
const valuesArb = fc.array(valueArb, { minLength: 1, maxLength: 6 });

/** Text made of random characters and values or their encodings. */
function textArb(values: string[]): fc.Arbitrary<string> {
  const piece = fc.oneof(
    fc.string({ unit, maxLength: 6 }),
    fc.constantFrom(...values.flatMap(encodings)),
    fc.constantFrom(...values),
  );
  return fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));
}

const withText = valuesArb.chain((values) => fc.tuple(fc.constant(values), textArb(values)));

// A table limit of 0 leaves only the start state in the table: every other
// state runs on goto + failure links.
describe.each([
  ['a full table', undefined],
  ['a table of a few states', 200],
  ['no table beyond the start state', 0],
])('Masker.mask, properties, with %s', (_name, limit) => {
  let previous: number;
  beforeAll(() => {
    if (limit !== undefined) previous = setTableLimit(limit);
  });
  afterAll(() => {
    if (limit !== undefined) setTableLimit(previous);
  });

  it('equals the slow reference: runs of covered characters become one placeholder', () => {
    fc.assert(
      fc.property(withText, ([values, text]) => {
        expect(new Masker(values).mask(text)).toBe(reference(values, text));
      }),
      { numRuns: 500 },
    );
  });

  it('equals the slow reference on long values that share prefixes, in text of cut and whole forms', async () => {
    // Values of 8–24 characters over two letters share long prefixes, and
    // cut forms stop inside their chains: the direct comparison of a chain's
    // rest must give the same result as stepping through it, also in a stream.
    const value = fc.string({ unit: fc.constantFrom('a', 'b'), minLength: 8, maxLength: 24 });
    const input = fc.array(value, { minLength: 1, maxLength: 6 }).chain((values) => {
      const forms = values.flatMap(encodings);
      const piece = fc.oneof(
        fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 4 }),
        fc.constantFrom(...forms),
        fc.tuple(fc.constantFrom(...forms), fc.nat()).map(([form, n]) => form.slice(0, n % form.length)),
      );
      return fc.tuple(
        fc.constant(values),
        fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join('')),
        fc.array(fc.nat(), { maxLength: 6 }),
      );
    });
    await fc.assert(
      fc.asyncProperty(input, async ([values, text, cuts]) => {
        const masker = new Masker(values);
        const expected = reference(values, text);
        expect(masker.mask(text)).toBe(expected);
        const stream = masker.createStream();
        const out: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => out.push(chunk));
        const bytes = Buffer.from(text);
        let at = 0;
        for (const c of cuts) {
          const next = Math.min(bytes.length, at + (c % 16));
          stream.write(bytes.subarray(at, next));
          at = next;
        }
        stream.end(bytes.subarray(at));
        await new Promise((resolve) => stream.on('end', resolve));
        expect(Buffer.concat(out).toString()).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves no value and no encoding of a value', () => {
    fc.assert(
      fc.property(withText, ([values, text]) => {
        const masked = new Masker(values).mask(text);
        for (const value of values) {
          if (value.length < MASK_MIN_LENGTH) continue;
          for (const form of encodings(value)) expect(masked.includes(form)).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('returns text without secrets unchanged, as the same string', () => {
    fc.assert(
      fc.property(valuesArb, fc.string({ unit: 'binary', maxLength: 200 }), (values, text) => {
        fc.pre(reference(values, text) === text);
        expect(new Masker(values).mask(text)).toBe(text);
      }),
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(withText, ([values, text]) => {
        const masker = new Masker(values);
        const once = masker.mask(text);
        expect(masker.mask(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });
});

describe('Masker.mask with no table beyond the start state', () => {
  it('masks with 1,000 values', () => {
    const previous = setTableLimit(0);
    try {
      const values = Array.from({ length: 1000 }, (_, i) => `${i}-${randomBytes(12 + (i % 20)).toString('hex')}`);
      const text = values.map((v, i) => `${i} ${encodings(v)[i % 5]} ${v.slice(0, -1)}`).join('\n');
      expect(new Masker(values).mask(text)).toBe(reference(values, text));
    } finally {
      setTableLimit(previous);
    }
  });
});
