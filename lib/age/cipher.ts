import type { Identity, Stanza } from 'age-encryption' with { 'resolution-mode': 'import' };
import { describeIdentitySource, type ResolvedIdentities } from './identities';
import { ageLibrary } from './library';
import { SecretsError } from '../errors';

/** First line of an ASCII-armored age file. */
export const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
/** First line of a binary age file. */
export const AGE_V1_HEADER = 'age-encryption.org/v1\n';

/** How an age file is encoded, judged by its first bytes; `null` when it is neither. */
export function ageFormat(bytes: Uint8Array): 'armored' | 'binary' | null {
  if (startsWith(bytes, 0, AGE_V1_HEADER)) return 'binary';
  let i = 0;
  // The armor may be preceded by whitespace (as age and the library accept).
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return startsWith(bytes, i, ARMOR_BEGIN) ? 'armored' : null;
}

/**
 * Encrypts to X25519 recipients (validated by the caller, see
 * `parseRecipients`) and armors the result, so that diffs of the committed
 * file stay textual and `age -d` reads it.
 */
export async function encryptArmored(plaintext: Uint8Array, recipients: readonly string[]): Promise<string> {
  const { Encrypter, armor } = await ageLibrary();
  const encrypter = new Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  return armor.encode(await encrypter.encrypt(plaintext));
}

/**
 * Decrypts an armored or binary age file in memory, all or nothing.
 *
 * @param file the path named in problems
 * @throws SecretsError `DECRYPTION_FAILED`, with one of three messages: the
 *   input is not an age file; none of the identities is a recipient; the file
 *   is corrupted, truncated or was modified (header or payload fails
 *   authentication). The library's own messages are never passed on (they may
 *   quote the input), and there is no `cause`.
 */
export async function decryptAge(
  ciphertext: Uint8Array,
  resolved: ResolvedIdentities,
  file?: string,
): Promise<Uint8Array> {
  const format = ageFormat(ciphertext);
  if (format === null) throw notAgeFile(file);
  const { Decrypter, armor } = await ageLibrary();
  const binary = format === 'armored' ? dearmor(ciphertext, armor, file) : ciphertext;

  // The library reports "no identity matched" and "corrupted" alike, as
  // exceptions whose text we must not pass on. Two probe identities tell them
  // apart: the library asks identities in order, so the first probe runs once
  // the header parsed, and the last only when every real identity declined.
  let headerParsed = false;
  let allDeclined = false;
  const first: Identity = {
    unwrapFileKey(_stanzas: Stanza[]) {
      headerParsed = true;
      return null;
    },
  };
  const last: Identity = {
    unwrapFileKey(_stanzas: Stanza[]) {
      allDeclined = true;
      return null;
    },
  };
  const decrypter = new Decrypter();
  decrypter.addIdentity(first);
  for (const identity of resolved.identities) decrypter.addIdentity(identity);
  decrypter.addIdentity(last);
  try {
    return await decrypter.decrypt(binary);
  } catch {
    if (headerParsed && allDeclined) {
      const keys = resolved.recipients.join(', ');
      throw new SecretsError([
        {
          code: 'DECRYPTION_FAILED',
          file,
          message:
            `no identity from ${describeIdentitySource(resolved.source)} can decrypt this file (public key${resolved.recipients.length === 1 ? '' : 's'}: ${keys}); ` +
            'someone who can decrypt it must add yours with `nest-secrets recipients add`',
        },
      ]);
    }
    throw corrupted(file, headerParsed ? 'its header or payload failed authentication' : 'its age header is malformed');
  }
}

/** The binary age file inside ASCII armor; `DECRYPTION_FAILED` when the armor is damaged. */
function dearmor(
  ciphertext: Uint8Array,
  armor: Awaited<ReturnType<typeof ageLibrary>>['armor'],
  file: string | undefined,
): Uint8Array {
  try {
    return armor.decode(
      Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength).toString('latin1'),
    );
  } catch {
    throw corrupted(file, 'its ASCII armor is damaged');
  }
}

/** `DECRYPTION_FAILED` for input that is not an age file at all. */
export function notAgeFile(file: string | undefined) {
  return new SecretsError([
    {
      code: 'DECRYPTION_FAILED',
      file,
      message:
        `is not an age-encrypted file (it starts with neither "age-encryption.org/v1" nor "${ARMOR_BEGIN}"): ` +
        'it is corrupted or was modified, or it is a plaintext file named .age',
    },
  ]);
}

function corrupted(file: string | undefined, detail: string) {
  return new SecretsError([
    {
      code: 'DECRYPTION_FAILED',
      file,
      message: `cannot be decrypted: the file is corrupted, truncated or was modified (${detail})`,
    },
  ]);
}

function startsWith(bytes: Uint8Array, offset: number, ascii: string): boolean {
  if (bytes.length - offset < ascii.length) return false;
  for (let i = 0; i < ascii.length; i++) if (bytes[offset + i] !== ascii.charCodeAt(i)) return false;
  return true;
}
