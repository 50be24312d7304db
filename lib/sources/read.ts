import { statSync } from 'node:fs';
import { readRegularFile } from '../files/read-file';
import { SecretsError, type SecretsErrorCode } from '../errors';
import { loadLazily } from '../load-lazily';
import { describeEnvironmentSource, describeFileSource, type Location } from './locate';
import type { Environment } from '../environment-variables';

/** The default of `maxFileSize`: 1 MiB. */
export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;

/** Suffix of an age-encrypted secrets file. */
export const AGE_SUFFIX = '.age';

export interface ReadOptions {
  /** Largest file accepted, in bytes (the encrypted size for `.age` files). */
  maxFileSize: number;
  /** age identities (`AGE-SECRET-KEY-1…`); see `decryptSecrets`. */
  identity?: string | readonly string[];
  /** Variables consulted for `SECRETS_AGE_KEY`, `SECRETS_AGE_KEY_FILE`, `XDG_CONFIG_HOME`, `HOME`. */
  env: Environment;
}

export interface ReadResult {
  /** Absolute path actually read: the `.age` file when one was decrypted. */
  readonly file: string;
  /** Decoded text, without its byte order mark. */
  readonly text: string;
  readonly encrypted: boolean;
}

/**
 * Reads (and, for `.age` files, decrypts in memory) the located secrets file.
 *
 * A derived path `<env>-secrets.ini` falls back to `<env>-secrets.ini.age`
 * when only the latter exists; both existing is an error. An explicit path
 * (option or `SECRETS_FILE`) is used exactly, and decrypted when it ends in
 * `.age`.
 *
 * @throws SecretsError `FILE_NOT_FOUND`, `FILE_UNREADABLE`, `FILE_TOO_LARGE`,
 *   `AMBIGUOUS_FILE`, `ENCODING`, and the decryption codes — each naming the
 *   absolute path as tried and how the environment and file were chosen.
 */
export async function readSecrets(location: Location, options: ReadOptions): Promise<ReadResult> {
  const { file, plaintext, encrypted } = await readPlaintext(location, options);
  return { file, text: decodeUtf8(plaintext, file), encrypted };
}

/**
 * {@link readSecrets} without the decoding: the file's bytes, or the
 * decrypted bytes of an `.age` file, exactly (a byte order mark included), for
 * `nest-secrets decrypt` and the commands that re-encrypt a file.
 *
 * @throws SecretsError as {@link readSecrets}, but for `ENCODING`
 */
export async function readPlaintext(
  location: Location,
  options: ReadOptions,
): Promise<{ file: string; plaintext: Uint8Array; encrypted: boolean }> {
  const how = `environment "${location.environment}" ${describeEnvironmentSource(location.environmentSource)}; file ${describeFileSource(location.fileSource)}`;
  let file = location.file;
  if (location.fileSource === 'derived') {
    const agePath = file + AGE_SUFFIX;
    const choice = derivedFile(file);
    if (choice === 'both') {
      throw fileError(
        'AMBIGUOUS_FILE',
        file,
        `both this file and ${agePath} exist: delete the plaintext file once it is encrypted, or the .age file if it is stale (${how})`,
      );
    }
    if (choice === 'neither')
      throw fileError('FILE_NOT_FOUND', file, `secrets file not found, nor ${agePath} (${how})`);
    file = choice;
  }
  const bytes = await readBytes(file, options.maxFileSize, how);
  const encrypted = file.endsWith(AGE_SUFFIX);
  const plaintext = encrypted
    ? await (await decryption()).decryptSecrets(bytes, file, { identity: options.identity, env: options.env })
    : bytes;
  return { file, plaintext, encrypted };
}

/** The decryption stage (and the age code under it), loaded for the first `.age` file: most reads are plaintext. */
function decryption(): Promise<typeof import('./decrypt.js')> {
  return loadLazily(
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    () => require('./decrypt.js') as typeof import('./decrypt.js'),
    () => import('./decrypt.js'),
  );
}

/**
 * Which file a derived path `<env>-secrets.ini` stands for: itself, else
 * `<file>.age`; `'both'` when both exist (the loader reads neither),
 * `'neither'` when none does. A dangling symlink is no file.
 */
export function derivedFile(file: string): string | 'both' | 'neither' {
  const plain = exists(file);
  const age = exists(file + AGE_SUFFIX);
  if (plain && age) return 'both';
  if (plain) return file;
  return age ? file + AGE_SUFFIX : 'neither';
}

function exists(file: string): boolean {
  try {
    // stat, not lstat: a dangling symlink is no file.
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

function fileError(code: SecretsErrorCode, file: string, message: string): SecretsError {
  return new SecretsError([{ code, file, message }]);
}

async function readBytes(file: string, maxFileSize: number, how: string): Promise<Uint8Array> {
  const result = await readRegularFile(file, maxFileSize);
  if (result instanceof Uint8Array) return result;
  switch (result.problem) {
    case 'not-found':
      throw fileError('FILE_NOT_FOUND', file, `secrets file not found (${how})`);
    case 'directory':
      throw fileError('FILE_UNREADABLE', file, `is a directory, not a secrets file (${how})`);
    case 'not-regular':
      throw fileError('FILE_UNREADABLE', file, `is not a regular file (${how})`);
    case 'too-large':
      throw fileError(
        'FILE_TOO_LARGE',
        file,
        `secrets file is ${result.size === undefined ? `over ${maxFileSize} bytes` : `${result.size} bytes`}, larger than maxFileSize (${maxFileSize} bytes; ${how})`,
      );
    case 'unreadable':
      throw fileError('FILE_UNREADABLE', file, `secrets file cannot be read (${result.code}; ${how})`);
  }
}

/**
 * Decodes UTF-8, ignoring one leading byte order mark.
 *
 * @throws SecretsError `ENCODING` for UTF-16 (by its byte order mark or NUL
 *   pattern), NUL bytes, or invalid UTF-8 (naming the line of the first bad byte).
 */
export function decodeUtf8(bytes: Uint8Array, file?: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new SecretsError([{ code: 'ENCODING', file, message: 'file is UTF-16 encoded: save it as UTF-8' }]);
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const utf16 = bytes.length >= 2 && (bytes[0] === 0 || bytes[1] === 0);
    throw new SecretsError([
      {
        code: 'ENCODING',
        file,
        line: lineAt(bytes, nul),
        message: utf16 ? 'file looks UTF-16 encoded (NUL bytes): save it as UTF-8' : 'file contains a NUL byte',
      },
    ]);
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad !== -1) {
    throw new SecretsError([
      { code: 'ENCODING', file, line: lineAt(bytes, bad), message: 'invalid UTF-8: save the file as UTF-8' },
    ]);
  }
  // TextDecoder drops exactly one leading BOM (ignoreBOM: false).
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** Whether `bytes` start with the UTF-8 byte order mark (EF BB BF). */
export function startsWithByteOrderMark(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/**
 * A one-value file (a secrets directory's file, a `VAR_FILE`): {@link decodeUtf8},
 * but a leading byte order mark is refused rather than dropped — every byte is
 * the value, and an editor's invisible mark is better reported than removed.
 *
 * @throws SecretsError `ENCODING`, never holding the value.
 */
export function decodeValueFile(bytes: Uint8Array, file: string): string {
  if (startsWithByteOrderMark(bytes)) {
    throw new SecretsError([
      { code: 'ENCODING', file, message: 'starts with a byte order mark: save it as UTF-8 without one' },
    ]);
  }
  return decodeUtf8(bytes, file);
}

/** 1-based line of a byte offset; CRLF, CR and LF each end a line. */
function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) line++;
    else if (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a) line++;
  }
  return line;
}

/** Offset of the first byte that starts an invalid UTF-8 sequence, or -1 (RFC 3629). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min, cp] = [1, 0x80, b & 0x1f];
    else if (b >= 0xe0 && b <= 0xef) [need, min, cp] = [2, 0x800, b & 0x0f];
    else if (b >= 0xf0 && b <= 0xf4) [need, min, cp] = [3, 0x10000, b & 0x07];
    else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}
