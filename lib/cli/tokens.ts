/**
 * Random tokens written by `init` and `rotate`: `crypto.randomBytes` written as
 * lower-case hex or as base64url (RFC 4648 §5, no padding), and the test for
 * "this value looks generated" that `rotate` applies before replacing one.
 */
import { randomBytes } from 'node:crypto';

/** Bytes of a default token: 20 bytes, written as 40 hex digits. */
export const DEFAULT_TOKEN_BYTES = 20;
/** Largest number of random bytes in one token. */
export const MAX_TOKEN_BYTES = 1024;

/** How a token is written. */
export type TokenEncoding = 'hex' | 'base64url';

/** The shape of a generated-looking value: its encoding and length in characters. */
export interface TokenShape {
  readonly encoding: TokenEncoding;
  /** Characters of the written token. */
  readonly length: number;
}

/** `chars` lower-case hex digits (`chars` may be odd: the last byte is cut). */
export function hexToken(chars: number): string {
  return randomBytes(Math.ceil(chars / 2))
    .toString('hex')
    .slice(0, chars);
}

/** `bytes` random bytes as base64url without padding: ⌈4·bytes/3⌉ characters. */
export function base64urlToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** `chars` base64url characters (the alphabet `A–Z a–z 0–9 - _`). */
export function base64urlChars(chars: number): string {
  return randomBytes(Math.ceil((chars * 3) / 4))
    .toString('base64url')
    .slice(0, chars);
}

/** Shortest value that counts as generated-looking: 16 characters. */
export const MIN_GENERATED_LENGTH = 16;

const HEX = /^[0-9a-f]+$/i;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The shape of `value` when it looks like a token we (or a similar tool)
 * generated: at least {@link MIN_GENERATED_LENGTH} characters, all hex
 * digits (`hex`) or all of the base64url alphabet with at least one letter
 * and one digit (`base64url`). Anything else (`undefined`) is treated as a
 * value a person chose or a provider issued, which `rotate` refuses to
 * replace without `--force`.
 */
export function tokenShape(value: string): TokenShape | undefined {
  if (value.length < MIN_GENERATED_LENGTH) return undefined;
  if (HEX.test(value)) return { encoding: 'hex', length: value.length };
  if (BASE64URL.test(value) && /[A-Za-z]/.test(value) && /[0-9]/.test(value)) {
    return { encoding: 'base64url', length: value.length };
  }
  return undefined;
}

/** A fresh token of `shape`. */
export function tokenOfShape(shape: TokenShape): string {
  return shape.encoding === 'hex' ? hexToken(shape.length) : base64urlChars(shape.length);
}

/**
 * The shape of a token of `bytes` random bytes written in `encoding`:
 * 2·`bytes` characters of hex, ⌈4·`bytes`/3⌉ of base64url (no padding).
 */
export function shapeOfBytes(encoding: TokenEncoding, bytes: number): TokenShape {
  return { encoding, length: encoding === 'hex' ? 2 * bytes : Math.ceil((4 * bytes) / 3) };
}

/**
 * How many random bytes a token of `shape` carries: the bytes it decodes to,
 * ⌊3·length/4⌋ for base64url (the last character of an encoding holds
 * padding bits), and ⌈length/2⌉ for hex (an odd last digit counts as a
 * byte). The inverse of {@link shapeOfBytes} for the lengths it makes.
 */
export function bytesOfShape(shape: TokenShape): number {
  return shape.encoding === 'hex' ? Math.ceil(shape.length / 2) : Math.floor((3 * shape.length) / 4);
}
