/**
 * The naming rule of secrets files, in one place: `<environment>-secrets.ini`
 * for the plaintext, `<environment>-secrets.ini.age` for the encrypted file,
 * `<file>.bak-<stamp>` for the backups `init --force` keeps.
 */
import * as path from 'node:path';

const PLAINTEXT_SUFFIX = '-secrets.ini';
const ENCRYPTED_SUFFIX = '-secrets.ini.age';

/** `<dir>/<environment>-secrets.ini` */
export function plaintextPath(dir: string, environment: string): string {
  return path.join(dir, `${environment}${PLAINTEXT_SUFFIX}`);
}

/** `<dir>/<environment>-secrets.ini.age` */
export function encryptedPath(dir: string, environment: string): string {
  return path.join(dir, `${environment}${ENCRYPTED_SUFFIX}`);
}

/** `<file>.bak-<stamp>`, then `-1`, `-2`… when that name is taken. */
export function backupPath(file: string, stamp: string, attempt: number): string {
  return `${file}.bak-${stamp}${attempt ? `-${attempt}` : ''}`;
}

/** Names of encrypted secrets files (`<environment>-secrets.ini.age`). */
export const ENCRYPTED_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*-secrets\.ini\.age$/;
/** Paths (as git lists them) of plaintext secrets files. */
export const PLAINTEXT_FILE_PATH = /-secrets\.ini$/;
/** Paths (as git lists them) of the backups `init --force` keeps. */
export const BACKUP_FILE_PATH = /-secrets\.ini\.bak-[^/]*$/;

/** The `.gitignore` line that keeps plaintext secrets files out of git (and not their `.age` files). */
export const GITIGNORE_PLAINTEXT = `*${PLAINTEXT_SUFFIX}`;
/** The `.gitignore` line for the backups `init --force` keeps. */
export const GITIGNORE_BACKUPS = `*${PLAINTEXT_SUFFIX}.bak-*`;
/** The `.gitattributes` pattern of encrypted secrets files. */
export const ENCRYPTED_FILE_PATTERN = `*${ENCRYPTED_SUFFIX}`;

/** The environment name of `<env>-secrets.ini` or `<env>-secrets.ini.age` (a path, native or as git lists it). */
export function environmentOf(file: string): string {
  const name = path.basename(file);
  const suffix = name.endsWith(ENCRYPTED_SUFFIX) ? ENCRYPTED_SUFFIX : PLAINTEXT_SUFFIX;
  return name.slice(0, -suffix.length);
}
