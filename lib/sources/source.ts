/**
 * What a source of secrets returns. A source (today: a secrets file, or the
 * `values` option) turns its input into raw sections — every section's final
 * strings, each value with its line when it has one — and says where they came
 * from. Sources know nothing of DTOs: the DTO stages (lib/dto) take it from here.
 */
import type { ParsedFile, RawSections } from '../model';
import type { FileSource } from './locate';

/**
 * How the INI file was chosen: the file option, `SECRETS_FILE`, derived from
 * the environment; or `values` (the `values` option, no file), or `sources`
 * (the `sources` option holds no INI file).
 */
export type SecretsSource = FileSource | 'values' | 'sources';

export interface SourceResult {
  /** Sections in source order; values carry their line when the source has lines. */
  readonly raw: RawSections;
  /** How the source was chosen. */
  readonly source: SecretsSource;
  /** Absolute path read (the `.age` file when decrypted), or `null` when no file was read. */
  readonly file: string | null;
  /** Whether the file was age-encrypted. */
  readonly encrypted: boolean;
  /** The file as parsed, before interpolation (for `nest-secrets keys`); `null` when no file was read. */
  readonly parsed: ParsedFile | null;
}
