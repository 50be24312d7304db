import type { ParsedFile } from '../model';
import { readFileVariables } from './file-variables';
import { interpolate, type SectionValues } from './interpolate';
import type { Location } from './locate';
import { parseIni } from './parse';
import { readSecrets, type ReadOptions } from './read';
import type { SourceResult } from './source';

/** A located secrets file, read (decrypted in memory) and parsed, not yet interpolated. */
export interface SecretsFile {
  readonly location: Location;
  /** Absolute path actually read (the `.age` file when one was decrypted). */
  readonly file: string;
  readonly encrypted: boolean;
  readonly parsed: ParsedFile;
}

/**
 * Reads (decrypting an `.age` file in memory) and parses the located file:
 * the file source without interpolation, for `nest-secrets keys`, which
 * lists references rather than resolving them.
 *
 * @throws SecretsError from the read stage (`FILE_NOT_FOUND`, `AMBIGUOUS_FILE`,
 *   decryption codes, `ENCODING`…) and the parse stage (`SYNTAX`…)
 */
export async function readSecretsFile(location: Location, options: ReadOptions): Promise<SecretsFile> {
  const read = await readSecrets(location, options);
  return { location, file: read.file, encrypted: read.encrypted, parsed: parseIni(read.text, read.file) };
}

/**
 * The secrets file source: read → decrypt → parse → interpolate. Keys named
 * in `overrides` are not interpolated (their file value is replaced anyway,
 * so a variable it references need not be set). A variable that is not set
 * is read from the file its `<NAME>_FILE` names (see `readFileVariables`).
 *
 * @throws SecretsError as {@link readSecretsFile}, and `UNSET_VARIABLE`…
 *   from interpolation
 */
export async function fileSource(
  location: Location,
  options: ReadOptions & { overrides?: SectionValues },
): Promise<SourceResult> {
  const { file, encrypted, parsed } = await readSecretsFile(location, options);
  const files = await readFileVariables(parsed, options.env, options.maxFileSize);
  const raw = interpolate(parsed, options.env, file, options.overrides, files);
  return { raw, source: location.fileSource, file, encrypted, parsed };
}
