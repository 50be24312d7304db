/**
 * Reading and writing secrets files for the commands: the plaintext is
 * validated before it is encrypted, the ciphertext is decrypted in memory,
 * every write is atomic.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../files/atomic-write';
import { encryptArmored } from '../age/cipher';
import { SecretsError } from '../errors';
import type { Environment } from '../environment-variables';
import { locateFile } from '../sources/locate';
import { parseIni } from '../sources/parse';
import { decodeUtf8, DEFAULT_MAX_FILE_SIZE, readPlaintext } from '../sources/read';
import { ENCRYPTED_FILE_NAME } from './file-names';

/** Mode of a new `.age` file: it is committed, and useless without a key. */
const ENCRYPTED_FILE_MODE = 0o644;

/**
 * Decrypts `file` (an existing `.age` file) in memory.
 *
 * @returns its text (as the loader reads it: without a byte order mark) and
 *   the plaintext bytes exactly as encrypted (with one), as `age -d` prints them
 * @throws SecretsError as `readSecrets` (`FILE_NOT_FOUND`, decryption codes,
 *   `ENCODING`…)
 */
export async function decryptFile(
  file: string,
  env: Environment,
  environment: string,
): Promise<{ text: string; bytes: Uint8Array }> {
  const result = await readPlaintext(locateFile(file, environment), { maxFileSize: DEFAULT_MAX_FILE_SIZE, env });
  return { text: decodeUtf8(result.plaintext, result.file), bytes: result.plaintext };
}

/**
 * Checks that `bytes` are a secrets file the loader would parse: UTF-8,
 * within the size limit, valid INI syntax. Problems name `file` and lines.
 *
 * @throws SecretsError `FILE_TOO_LARGE`, `ENCODING`, `SYNTAX`, …
 */
export function checkSyntax(bytes: Uint8Array, file: string): void {
  if (bytes.length > DEFAULT_MAX_FILE_SIZE) {
    throw new SecretsError([
      {
        code: 'FILE_TOO_LARGE',
        file,
        message: `is ${bytes.length} bytes, larger than the loader's default maxFileSize (${DEFAULT_MAX_FILE_SIZE} bytes)`,
      },
    ]);
  }
  parseIni(decodeUtf8(bytes, file), file);
}

/**
 * Encrypts `plaintext` (armored) to `recipients` and replaces `file`
 * atomically, keeping an existing file's mode.
 */
export async function writeEncrypted(
  file: string,
  plaintext: Uint8Array,
  recipients: readonly string[],
  beforeRename?: () => void,
): Promise<void> {
  const armored = await encryptArmored(plaintext, recipients);
  const mode = await fs.stat(file).then(
    (stat) => stat.mode & 0o777,
    () => ENCRYPTED_FILE_MODE,
  );
  await writeFileAtomic(file, armored, { mode, beforeRename });
}

/**
 * Absolute paths of the `<env>-secrets.ini.age` files directly in `dir`,
 * sorted: regular files and symbolic links (a link is listed so that a
 * command re-encrypting every file can refuse it rather than skip it).
 */
export async function listEncryptedFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && ENCRYPTED_FILE_NAME.test(entry.name))
    .map((entry) => path.join(dir, entry.name))
    .sort();
}
