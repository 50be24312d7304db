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
/**
 * Paths (as git lists them) of plaintext secrets files. The hook's patterns
 * ignore case: on macOS and Windows the app loading `production-secrets.ini`
 * reads a `Production-Secrets.INI`, and git there ignores it by `.gitignore`'s
 * `*-secrets.ini` too.
 */
export const PLAINTEXT_FILE_PATH = /-secrets\.ini$/i;
/** Paths (as git lists them) of the backups `init --force` keeps (any case). */
export const BACKUP_FILE_PATH = /-secrets\.ini\.bak-[^/]*$/i;

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

/**
 * `.gitignore` lines for the copies editors and merge tools leave next to a
 * plaintext secrets file: `x-secrets.ini~` (Emacs, gedit, vim `backup`),
 * `.x-secrets.ini.swp` … `.swa` (vim swap files), `#x-secrets.ini#` (Emacs
 * auto-save), `x-secrets.ini.bak` / `.orig` / `.tmp` (many tools, git
 * mergetool), `x-secrets.ini___jb_tmp___` / `___jb_old___` (JetBrains safe
 * write), `.x-secrets.ini.un~` (vim undo file: the edit history, secrets
 * included), `.x-secrets.ini.kate-swp` (Kate swap file), `x-secrets.ini.save`
 * (nano, when it cannot write the file). Emacs' lock file `.#x-secrets.ini`
 * is already matched by {@link GITIGNORE_PLAINTEXT}.
 */
export const GITIGNORE_EDITOR_BACKUPS: readonly string[] = [
  `*${PLAINTEXT_SUFFIX}~`,
  `.*${PLAINTEXT_SUFFIX}.sw[a-p]`,
  `\\#*${PLAINTEXT_SUFFIX}#`,
  `*${PLAINTEXT_SUFFIX}.bak`,
  `*${PLAINTEXT_SUFFIX}.orig`,
  `*${PLAINTEXT_SUFFIX}.tmp`,
  `*${PLAINTEXT_SUFFIX}___jb_*___`,
  `.*${PLAINTEXT_SUFFIX}.un~`,
  `.*${PLAINTEXT_SUFFIX}.kate-swp`,
  `*${PLAINTEXT_SUFFIX}.save`,
];

/**
 * Paths (as git lists them) of the editor and merge-tool copies of a
 * plaintext secrets file that {@link GITIGNORE_EDITOR_BACKUPS} names, and
 * Emacs' lock file `.#x-secrets.ini` (any case: `x-secrets.ini.BAK`). Test it
 * before {@link PLAINTEXT_FILE_PATH}, which matches the lock file too.
 */
export const EDITOR_BACKUP_PATH =
  /(?:^|\/)(?:[^/]*-secrets\.ini(?:~|\.bak|\.orig|\.tmp|\.save|___jb_[a-z]+___)|\.[^/]*-secrets\.ini\.(?:sw[a-p]|un~|kate-swp)|#[^/]*-secrets\.ini#|\.#[^/]*-secrets\.ini)$/i;
