/**
 * Random tokens written by `init` and `rotate`: `crypto.randomBytes` written as
 * lower-case hex or as base64url (RFC 4648 §5, no padding), and the test for
 * "this value looks generated" that `rotate` applies before replacing one.
 */
import { randomBytes, randomUUID } from 'node:crypto';

/** Bytes of a default token: 20 bytes, written as 40 hex digits. */
export const DEFAULT_TOKEN_BYTES = 20;
/** Largest number of random bytes in one token. */
export const MAX_TOKEN_BYTES = 1024;

/**
 * How a token is written: `hex` digits, `base64url` (RFC 4648 §5, no
 * padding), standard `base64` (RFC 4648 §4, `+` `/`, with or without `=`
 * padding), or `alphanumeric`: letters and digits only, drawn from the
 * classes (upper-case, lower-case, digits) the shape's alphabet holds;
 * or a `uuid`, written as a random (version 4) UUID: 122 random bits.
 */
export type TokenEncoding = 'hex' | 'base64url' | 'base64' | 'alphanumeric' | 'uuid';

/** The shape of a generated-looking value: its encoding and length in characters. */
export interface TokenShape {
  readonly encoding: TokenEncoding;
  /** Characters of the written token, padding included. */
  readonly length: number;
  /** `base64` (and padded `base64url`): how many `=` end it (0 to 2). */
  readonly padding?: number;
  /** `alphanumeric`, and `base64` of letters and digits only: the characters drawn from (`A–Z`, `a–z`, `0–9`, or a mix). */
  readonly alphabet?: string;
  /** `hex` only: `0x` or `0X` written before the digits (not counted in `length`). */
  readonly prefix?: string;
}

/** `chars` lower-case hex digits (`chars` may be odd: the last byte is cut). */
export function hexToken(chars: number): string {
  return randomBytes(Math.ceil(chars / 2))
    .toString('hex')
    .slice(0, chars);
}

/** `chars` base64url characters (the alphabet `A–Z a–z 0–9 - _`). */
export function base64urlChars(chars: number): string {
  return randomBytes(Math.ceil((chars * 3) / 4))
    .toString('base64url')
    .slice(0, chars);
}

/** Shortest value that counts as generated-looking: 16 characters. */
export const MIN_GENERATED_LENGTH = 16;

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
/** The alphabet of `alphanumeric` tokens written when no current value says otherwise. */
export const ALPHANUMERIC = UPPER + LOWER + DIGITS;

const HEX = /^[0-9a-f]+$/i;
const PREFIXED_HEX = /^0x[0-9a-f]+$/i;
const LETTERS_AND_DIGITS = /^[A-Za-z0-9]+$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const BASE64 = /^[A-Za-z0-9+/]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Whole random bytes of a version 4 UUID (122 random bits). */
const UUID_BYTES = 15;

/** The classes (upper-case, lower-case, digits) that `value` holds, as one alphabet. */
function alphabetOf(value: string): string {
  return (/[A-Z]/.test(value) ? UPPER : '') + (/[a-z]/.test(value) ? LOWER : '') + (/[0-9]/.test(value) ? DIGITS : '');
}

/**
 * The shape of `value` when it looks like a token we (or a similar tool)
 * generated: at least {@link MIN_GENERATED_LENGTH} characters, and either all
 * hex digits, `0x` and 16+ hex digits (`hex`), a UUID (`uuid`, any version), or at least two of upper-case letters, lower-case
 * letters and digits, with nothing else (`alphanumeric`, its alphabet the
 * classes it holds), with `-` or `_` (`base64url`), or with `+`, `/` or a
 * final `=` / `==` on a length divisible by 4 (`base64`). Anything else
 * (`undefined`: a phrase, a URL, a mix of both base64 alphabets…) is treated
 * as a value a person chose or a provider issued, which `rotate` refuses to
 * replace without `--force`.
 */
export function tokenShape(value: string): TokenShape | undefined {
  const { length } = value;
  if (length < MIN_GENERATED_LENGTH) return undefined;
  if (HEX.test(value)) return { encoding: 'hex', length };
  if (PREFIXED_HEX.test(value) && length - 2 >= MIN_GENERATED_LENGTH) {
    return { encoding: 'hex', length: length - 2, prefix: value.slice(0, 2) };
  }
  if (UUID.test(value)) return { encoding: 'uuid', length };
  const alphabet = alphabetOf(value);
  if (alphabet.length === UPPER.length || alphabet.length === DIGITS.length) return undefined;
  const padding = /={0,2}$/.exec(value)![0].length;
  if (padding > 0 && length % 4 !== 0) return undefined;
  const body = value.slice(0, length - padding);
  if (LETTERS_AND_DIGITS.test(body)) {
    // Padded letters and digits are base64 of either alphabet: the new token uses neither's symbols.
    return padding ? { encoding: 'base64', length, padding, alphabet } : { encoding: 'alphanumeric', length, alphabet };
  }
  if (BASE64URL.test(body)) return { encoding: 'base64url', length, ...(padding > 0 && { padding }) };
  return BASE64.test(body) ? { encoding: 'base64', length, padding } : undefined;
}

/** `shape.length` characters of standard base64, ending in `shape.padding` `=`. */
function base64Token(shape: TokenShape): string {
  const padding = shape.padding ?? 0;
  if (shape.alphabet) {
    return (
      alphanumericToken(shape.length - padding, shape.alphabet, shape.length >= MIN_GENERATED_LENGTH) +
      '='.repeat(padding)
    );
  }
  if (padding > 0) return randomBytes((3 * shape.length) / 4 - padding).toString('base64');
  return randomBytes(Math.ceil((3 * shape.length) / 4))
    .toString('base64')
    .replace(/=+$/, '')
    .slice(0, shape.length);
}

/** `chars` characters drawn uniformly from `alphabet` (rejection sampling: no modulo bias). */
export function alphabetToken(chars: number, alphabet: string): string {
  const limit = 256 - (256 % alphabet.length);
  let token = '';
  while (token.length < chars) {
    for (const byte of randomBytes(chars - token.length + 8)) {
      if (byte < limit && token.length < chars) token += alphabet[byte % alphabet.length];
    }
  }
  return token;
}

/** A fresh token of `shape`. */
export function tokenOfShape(shape: TokenShape): string {
  switch (shape.encoding) {
    case 'hex':
      return (shape.prefix ?? '') + hexToken(shape.length);
    case 'base64url':
      return shape.padding
        ? randomBytes((3 * shape.length) / 4 - shape.padding).toString('base64url') + '='.repeat(shape.padding)
        : base64urlChars(shape.length);
    case 'base64':
      return base64Token(shape);
    case 'alphanumeric':
      return alphanumericToken(shape.length, shape.alphabet ?? ALPHANUMERIC);
    case 'uuid':
      return randomUUID();
  }
}

/**
 * `chars` characters of `alphabet` (made of whole classes, as
 * {@link tokenShape} makes it), drawn again until each of its classes
 * (upper-case, lower-case, digits) occurs when `whole` (by default: `chars`
 * of at least {@link MIN_GENERATED_LENGTH}): a token then keeps its shape from
 * one rotation to the next (an all-letters one would not even look
 * generated), at a cost under 0.1 bit (16 characters of 62: 6% of draws
 * lack a digit).
 */
function alphanumericToken(chars: number, alphabet: string, whole = chars >= MIN_GENERATED_LENGTH): string {
  for (;;) {
    const token = alphabetToken(chars, alphabet);
    if (!whole || chars < 3 || alphabetOf(token).length === alphabet.length) return token;
  }
}

/**
 * The shape of a token of `bytes` random bytes written in `encoding`:
 * 2·`bytes` characters of hex, ⌈4·`bytes`/3⌉ of base64url (no padding),
 * 4·⌈`bytes`/3⌉ of base64 (padded, as `openssl rand -base64` writes it;
 * its characters drawn from `alphabet` when given: padded letters and
 * digits), ⌈8·`bytes`/log2(alphabet size)⌉ of `alphanumeric` (from
 * `alphabet`, default {@link ALPHANUMERIC}); a `uuid` is 36 characters
 * whatever `bytes`.
 */
export function shapeOfBytes(encoding: TokenEncoding, bytes: number, alphabet?: string): TokenShape {
  switch (encoding) {
    case 'hex':
      return { encoding, length: 2 * bytes };
    case 'base64url':
      return { encoding, length: Math.ceil((4 * bytes) / 3) };
    case 'base64':
      return {
        encoding,
        length: 4 * Math.ceil(bytes / 3),
        padding: (3 - (bytes % 3)) % 3,
        ...(alphabet !== undefined && { alphabet }),
      };
    case 'alphanumeric': {
      const characters = alphabet ?? ALPHANUMERIC;
      return { encoding, length: Math.ceil((8 * bytes) / Math.log2(characters.length)), alphabet: characters };
    }
    case 'uuid':
      return { encoding, length: 36 };
  }
}

/**
 * How many random bytes a token of `shape` carries: the bytes it decodes to,
 * ⌊3·length/4⌋ for base64url and unpadded base64 (the last character of an
 * encoding holds padding bits), 3·length/4 − padding for padded base64,
 * ⌈length/2⌉ for hex (an odd last digit counts as a byte), and
 * ⌊length·log2(alphabet size)/8⌋ for `alphanumeric`, 15 for a `uuid`. The inverse of
 * {@link shapeOfBytes} for the lengths it makes (at least its bytes for
 * `alphanumeric`).
 */
export function bytesOfShape(shape: TokenShape): number {
  switch (shape.encoding) {
    case 'hex':
      return Math.ceil(shape.length / 2);
    case 'base64url':
    case 'base64': {
      const decoded = shape.padding ? (3 * shape.length) / 4 - shape.padding : Math.floor((3 * shape.length) / 4);
      if (!shape.alphabet) return decoded;
      const bits = (shape.length - (shape.padding ?? 0)) * Math.log2(shape.alphabet.length);
      return Math.min(decoded, Math.floor(bits / 8));
    }
    case 'alphanumeric':
      return Math.floor((shape.length * Math.log2((shape.alphabet ?? ALPHANUMERIC).length)) / 8);
    case 'uuid':
      return UUID_BYTES;
  }
}

/** Kinds of characters other than letters and digits counted by {@link capacityBytes}: printable ASCII punctuation and space. */
const OTHER_KINDS = 33;

/**
 * The most random bytes any value written like `value` could hold: its
 * length × log2 of the kinds of characters it uses (26 lower-case, 26
 * upper-case, 10 digits, 33 for any other character present), in whole
 * bytes, at most {@link MAX_TOKEN_BYTES}. An upper bound, used so that a token
 * replacing a value that is not one (`rotate --force`) is never weaker.
 */
export function capacityBytes(value: string): number {
  const kinds = alphabetOf(value).length + (/[^A-Za-z0-9]/.test(value) ? OTHER_KINDS : 0);
  if (kinds === 0) return 0;
  return Math.min(MAX_TOKEN_BYTES, Math.floor((value.length * Math.log2(kinds)) / 8));
}
