import type { ParsedFile } from '../model';
import type { Location } from './locate';
import { parseIni } from './parse';
import { readSecrets, type ReadOptions } from './read';

/** A located secrets file, read (decrypted in memory) and parsed, not yet interpolated. */
export interface SecretsFile {
  readonly location: Location;
  /** Absolute path actually read (the `.age` file when one was decrypted). */
  readonly file: string;
  readonly encrypted: boolean;
  readonly parsed: ParsedFile;
}

/**
 * Reads (decrypting an `.age` file in memory) and parses the located file,
 * not yet interpolated: `loadRawSecrets` interpolates once every source has
 * been read (a later source may set a key whose `$VAR` is unset), and
 * `nest-secrets keys` lists references rather than resolving them.
 *
 * @throws SecretsError from the read stage (`FILE_NOT_FOUND`, `AMBIGUOUS_FILE`,
 *   decryption codes, `ENCODING`…) and the parse stage (`SYNTAX`…)
 */
export async function readSecretsFile(location: Location, options: ReadOptions): Promise<SecretsFile> {
  const read = await readSecrets(location, options);
  return { location, file: read.file, encrypted: read.encrypted, parsed: parseIni(read.text, read.file) };
}
