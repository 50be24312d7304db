import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Transform } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodings, Masker, setTableLimit } from '../lib/mask/masker';

/** Writes `chunks` one by one into `stream` and resolves with everything it put out. */
async function through(stream: Transform, chunks: Uint8Array[]): Promise<Buffer> {
  const out: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = once(stream, 'end');
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  await ended;
  return Buffer.concat(out);
}

/** `bytes` cut at `cuts` (positions, in any order, duplicates allowed). */
function cut(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const to of at) {
    chunks.push(bytes.subarray(from, to));
    from = to;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}

describe('Masker.createStream', () => {
  const value = 'pä$$ w0rd/?🔑"';
  const masker = new Masker([value]);

  it('masks the value and each of its encodings', async () => {
    for (const form of encodings(value)) {
      const out = await through(masker.createStream(), [Buffer.from(`a=${form};\n`)]);
      expect(out.toString()).toBe('a=[REDACTED];\n');
    }
  });

  it('masks a multibyte value split at every byte boundary', async () => {
    const text = Buffer.from(`before ${value} after`);
    for (let at = 0; at <= text.length; at++) {
      const out = await through(masker.createStream(), [text.subarray(0, at), text.subarray(at)]);
      expect(out.toString()).toBe('before [REDACTED] after');
    }
  });

  it('masks values written one byte at a time', async () => {
    const text = Buffer.from(`x ${value}${value} y cMOkJCQgdzByZC8/8J+UkSI= z`);
    const bytes = [...text].map((byte) => Buffer.from([byte]));
    expect((await through(masker.createStream(), bytes)).toString()).toBe('x [REDACTED] y [REDACTED] z');
  });

  it('merges overlapping, nested and adjacent occurrences as mask does', async () => {
    const values = ['abcdefghij', 'ghijklmnop', '23456789', '0123456789abcdef', 'aaaaaaaa1', 'bbbbbbbb2'];
    const many = new Masker(values);
    const text = '<abcdefghijklmnop> [0123456789abcdef] x aaaaaaaa1bbbbbbbb2 y 23456789';
    const bytes = Buffer.from(text);
    for (let at = 0; at <= bytes.length; at++) {
      const out = await through(many.createStream(), [bytes.subarray(0, at), bytes.subarray(at)]);
      expect(out.toString()).toBe(many.mask(text));
    }
    expect(many.mask(text)).toBe('<[REDACTED]> [[REDACTED]] x [REDACTED] y [REDACTED]');
  });

  it('passes on each chunk at once, holding back only what may begin a value', async () => {
    const stream = masker.createStream();
    const out: string[] = [];
    stream.on('data', (chunk: Buffer) => out.push(chunk.toString()));
    stream.write('first line\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.join('')).toBe('first line\n');
    stream.write('then pä$');
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.join('')).toBe('first line\nthen ');
    stream.write('$ w0rd/?🔑" done');
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.join('')).toBe('first line\nthen [REDACTED] done');
    stream.end();
    await once(stream, 'end');
  });

  it('flushes the held-back tail at the end', async () => {
    const out = await through(masker.createStream(), [Buffer.from('ends with pä$$ w0rd')]);
    expect(out.toString()).toBe('ends with pä$$ w0rd');
  });

  it('passes binary data through byte for byte', async () => {
    const binary = randomBytes(256 * 1024);
    const many = new Masker(Array.from({ length: 100 }, () => randomBytes(16).toString('hex')));
    const out = await through(many.createStream(), cut(binary, [1, 7, 65536, 100000, 200001]));
    expect(out.equals(binary)).toBe(true);
  });

  it('masks a value inside binary data, leaving the bytes around it unchanged', async () => {
    const head = Buffer.from([0xff, 0xfe, 0xc3, 0x00]);
    const tail = Buffer.from([0xe2, 0x82, 0x80, 0xf0]);
    const input = Buffer.concat([head, Buffer.from(value), tail]);
    const out = await through(masker.createStream(), cut(input, [3, 10]));
    expect(out.equals(Buffer.concat([head, Buffer.from('[REDACTED]'), tail]))).toBe(true);
  });

  it('passes everything through with no values, and puts out nothing for no input', async () => {
    const text = Buffer.from('anything at all');
    expect((await through(new Masker([]).createStream(), [text])).equals(text)).toBe(true);
    expect((await through(masker.createStream(), [])).length).toBe(0);
  });

  it('masks with 1,000 values', async () => {
    const values = Array.from({ length: 1000 }, (_, i) => `${i}:${randomBytes(10 + (i % 24)).toString('base64')}`);
    const many = new Masker(values);
    const text = values
      .filter((_, i) => i % 9 === 0)
      .map((v, i) => `line ${i} ${encodings(v)[i % encodings(v).length]} end`)
      .join('\n');
    const bytes = Buffer.from(text);
    const out = await through(many.createStream(), cut(bytes, [5, 100, 1000, 1001, 4000]));
    expect(out.toString()).toBe(many.mask(text));
    expect(out.toString()).not.toContain(values[0]);
  });
});

const unit = fc.constantFrom('a', 'b', 'é', '€', '😀', '"', '%', '/', '+', 'Y', '6', ' ', '\n');

describe.each([
  ['a full table', undefined],
  ['no table beyond the start state', 0],
])('Masker.createStream, properties, with %s', (_name, limit) => {
  let previous: number;
  beforeAll(() => {
    if (limit !== undefined) previous = setTableLimit(limit);
  });
  afterAll(() => {
    if (limit !== undefined) setTableLimit(previous);
  });

  it('puts out the UTF-8 of mask(text) for any chunking of the UTF-8 text', async () => {
    const values = fc.array(fc.string({ unit, minLength: 6, maxLength: 12 }), { minLength: 1, maxLength: 5 });
    const input = values.chain((vs) =>
      fc.tuple(
        fc.constant(vs),
        fc
          .array(fc.oneof(fc.string({ unit, maxLength: 5 }), fc.constantFrom(...vs.flatMap(encodings))), {
            maxLength: 10,
          })
          .map((pieces) => pieces.join('')),
        fc.array(fc.nat(), { maxLength: 8 }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(input, async ([vs, text, cuts]) => {
        const masker = new Masker(vs);
        const out = await through(masker.createStream(), cut(Buffer.from(text), cuts));
        expect(out.toString()).toBe(masker.mask(text));
      }),
      { numRuns: 300 },
    );
  });
});
