import { ageFormat, decryptAge, notAgeFile } from '../age/cipher';
import { resolveIdentities } from '../age/identities';
import type { Environment } from '../environment-variables';

export interface DecryptOptions {
  /**
   * Identities to use instead of the environment's: each string holds one or
   * more `AGE-SECRET-KEY-1…` lines (`#` comments and blank lines allowed).
   */
  identity?: string | readonly string[];
  /** Consulted for `SECRETS_AGE_KEY`, `SECRETS_AGE_KEY_FILE`, `XDG_CONFIG_HOME` and `HOME`. */
  env: Environment;
}

/**
 * Decrypts an age file (armored or binary, X25519 recipients) in memory; the
 * plaintext never touches the disk.
 *
 * Identities come from the first available of: `options.identity`;
 * `SECRETS_AGE_KEY`; the file named by `SECRETS_AGE_KEY_FILE`;
 * `$XDG_CONFIG_HOME/nest-secrets/age-keys.txt` (`~/.config/…` when unset).
 *
 * @param file path named in problems
 * @returns the whole plaintext — never a part of it
 * @throws SecretsError `NO_IDENTITY` (none available, or the chosen source is
 *   empty), `INVALID_IDENTITY` (a line that is not an X25519 identity),
 *   `DECRYPTION_FAILED` (no identity matches; or the file is not age, is
 *   truncated, corrupted or was modified). Never a key, a plaintext byte or
 *   the crypto library's message.
 */
export async function decryptSecrets(
  ciphertext: Uint8Array,
  file: string,
  options: DecryptOptions,
): Promise<Uint8Array> {
  // Checked before looking for keys: a plaintext file named .age says so even without a key.
  if (ageFormat(ciphertext) === null) throw notAgeFile(file);
  const identities = await resolveIdentities(options, file);
  return decryptAge(ciphertext, identities, file);
}
