/**
 * Value-aware masking, as CI systems mask their logs: every occurrence of a
 * secret value, and of its common encodings, becomes `[REDACTED]`.
 *
 * INTERFACE STUB (naive, quadratic): the real implementation replaces the
 * bodies, keeping these exports and their contracts.
 */
import { Transform } from 'node:stream';
import { REDACTED } from './redact';

/** Values shorter than this many characters (UTF-16 code units) are not masked. */
export const MASK_MIN_LENGTH = 8;

/** The forms of `value` that are masked: itself and its common encodings, each once. */
export function encodings(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const base64 = bytes.toString('base64');
  const base64url = bytes.toString('base64url');
  const hex = bytes.toString('hex');
  return [
    ...new Set([
      value,
      base64,
      base64.replace(/=+$/, ''),
      base64url,
      `${base64url}${'='.repeat((4 - (base64url.length % 4)) % 4)}`,
      hex,
      hex.toUpperCase(),
      encodeURIComponent(value),
      JSON.stringify(value).slice(1, -1),
    ]),
  ];
}

/**
 * Masks a fixed set of secret values. Build once per set of values; `mask`
 * and `createStream` are then linear in the text.
 */
export class Masker {
  readonly #patterns: string[];

  /** @param values secret values; those shorter than {@link MASK_MIN_LENGTH} are ignored. */
  constructor(values: Iterable<string>) {
    const patterns = new Set<string>();
    for (const value of values) {
      if (typeof value !== 'string' || value.length < MASK_MIN_LENGTH) continue;
      for (const form of encodings(value)) patterns.add(form);
    }
    this.#patterns = [...patterns].sort((a, b) => b.length - a.length);
  }

  /** How many distinct patterns (values and encodings) are masked. */
  get size(): number {
    return this.#patterns.length;
  }

  /**
   * `text` with every occurrence of every pattern replaced by `[REDACTED]`
   * (overlapping occurrences become one). Text without any is returned as is
   * (the same string).
   */
  mask(text: string): string {
    let out = text;
    for (const pattern of this.#patterns) out = out.split(pattern).join(REDACTED);
    return out;
  }

  /**
   * A byte stream transform that masks what passes through it, also values
   * split across chunks (it holds back at most the longest pattern's length
   * minus one bytes until it knows).
   */
  createStream(): Transform {
    let pending = '';
    const masker = this;
    return new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        pending += chunk.toString('latin1');
        callback();
      },
      flush(callback) {
        callback(null, Buffer.from(masker.mask(Buffer.from(pending, 'latin1').toString('utf8')), 'utf8'));
      },
    });
  }
}
