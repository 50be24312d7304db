/**
 * The `file` of a JSON report when reading failed: the secrets file that was
 * found, read or not, as the loader chooses it.
 */
import { derivedFile } from '../sources/read';
import { encryptedPath, plaintextPath } from './file-names';

/** A secrets file that exists: its path and whether it is the `.age` one. */
export interface FoundFile {
  readonly path: string;
  readonly encrypted: boolean;
}

/**
 * The file the loader reads for `environment` in `dir` (an absolute path):
 * `<environment>-secrets.ini` when it exists, else
 * `<environment>-secrets.ini.age` when that exists — whether or not it can
 * then be read, decrypted or parsed. A symbolic link counts as the file it
 * leads to (a dangling one as missing), as for the loader.
 *
 * @returns `undefined` when neither exists, or both do (`AMBIGUOUS_FILE`:
 *   the loader reads neither)
 */
export function foundSecretsFile(dir: string, environment: string): FoundFile | undefined {
  const found = derivedFile(plaintextPath(dir, environment));
  if (found === 'both' || found === 'neither') return undefined;
  return { path: found, encrypted: found === encryptedPath(dir, environment) };
}
