import * as path from 'node:path';
import { readRegularFile } from '../files/read-file';
import { ageLibrary } from './library';
import { SecretsError, type SecretsProblem } from '../errors';

/** Name of the file listing who can read a directory's `.age` files; it is committed. */
export const RECIPIENTS_FILE = '.age-recipients';

// An X25519 recipient: bech32 of 32 bytes, lower case. Post-quantum, tag and
// plugin recipients are refused so that files stay readable by age 1.1.
const X25519_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

/** Why `text` is not an X25519 recipient, or `undefined` when it is one. */
export async function recipientProblem(text: string): Promise<string | undefined> {
  const why = 'is not an X25519 age recipient (age1… as printed by `nest-secrets keygen` or `age-keygen -y`)';
  // Bech32 data never contains "1": a second one means another kind (age1pq1…, age1tag1…, age1yubikey1…).
  if (text.startsWith('age1') && text.slice(4).includes('1')) {
    return 'is a post-quantum, tag or plugin recipient: only X25519 recipients (age1…) are supported, so that age 1.1 can read the files';
  }
  if (text.toUpperCase().startsWith('AGE-SECRET-KEY-')) {
    return 'is a secret key, not a recipient: never share it; use its public key (age1…) instead';
  }
  if (!X25519_RECIPIENT.test(text)) return why;
  const { Encrypter } = await ageLibrary();
  try {
    new Encrypter().addRecipient(text); // checks the bech32 checksum
  } catch {
    return why;
  }
  return undefined;
}

/**
 * Parses a recipients file: one `age1…` per line; blank lines and `#` comment
 * lines are skipped; surrounding spaces are ignored. Duplicates are dropped.
 *
 * @throws SecretsError `INVALID_RECIPIENT` for every bad line, naming `file`
 *   and the line.
 */
export async function parseRecipients(text: string, file: string): Promise<string[]> {
  const recipients: string[] = [];
  const problems: SecretsProblem[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const problem = await recipientProblem(line);
    if (problem) problems.push({ code: 'INVALID_RECIPIENT', file, line: index + 1, message: `line ${problem}` });
    else if (!recipients.includes(line)) recipients.push(line);
  }
  if (problems.length) throw new SecretsError(problems);
  return recipients;
}

export interface RecipientsFile {
  /** Absolute path of `<dir>/.age-recipients`. */
  readonly file: string;
  /** Its text; `undefined` when it does not exist. */
  readonly text: string | undefined;
  readonly recipients: readonly string[];
}

const MAX_RECIPIENTS_FILE_SIZE = 1024 * 1024;

/** Reads and validates `<dir>/.age-recipients`; a missing file lists nobody. */
export async function readRecipientsFile(dir: string): Promise<RecipientsFile> {
  const file = path.resolve(dir, RECIPIENTS_FILE);
  const result = await readRegularFile(file, MAX_RECIPIENTS_FILE_SIZE);
  if (!(result instanceof Uint8Array)) {
    if (result.problem === 'not-found') return { file, text: undefined, recipients: [] };
    throw new SecretsError([
      {
        code: result.problem === 'too-large' ? 'FILE_TOO_LARGE' : 'FILE_UNREADABLE',
        file,
        message:
          result.problem === 'too-large' ? 'recipients file is larger than 1 MiB' : 'recipients file cannot be read',
      },
    ]);
  }
  const text = Buffer.from(result).toString('utf8');
  return { file, text, recipients: await parseRecipients(text, file) };
}

/**
 * Everyone to encrypt `<dir>`'s files to: `.age-recipients` plus `extra`
 * (e.g. `--recipient`), validated and without duplicates; `recipientOption`:
 * the command has `--recipient` (the error then suggests it).
 *
 * @throws SecretsError `INVALID_RECIPIENT`, `NO_RECIPIENTS`.
 */
export async function recipientsFor(
  dir: string,
  extra: readonly string[] = [],
  options: { readonly recipientOption?: boolean } = {},
): Promise<string[]> {
  const listed = await readRecipientsFile(dir);
  const all = [...listed.recipients];
  const problems: SecretsProblem[] = [];
  for (const recipient of extra) {
    const problem = await recipientProblem(recipient);
    if (problem)
      problems.push({ code: 'INVALID_RECIPIENT', message: `--recipient #${extra.indexOf(recipient) + 1} ${problem}` });
    else if (!all.includes(recipient)) all.push(recipient);
  }
  if (problems.length) throw new SecretsError(problems);
  if (all.length === 0) {
    throw new SecretsError([
      {
        code: 'NO_RECIPIENTS',
        file: listed.file,
        message: `${listed.text === undefined ? 'does not exist' : 'lists no recipient'}: add public keys (age1…) with \`nest-secrets recipients add\`${options.recipientOption ? ', or pass --recipient' : ''}`,
      },
    ]);
  }
  return all;
}
