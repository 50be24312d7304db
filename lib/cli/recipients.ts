import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { cleanLeftovers, writeFileAtomic } from '../files/atomic-write';
import { readRecipientsFile, recipientProblem, RECIPIENTS_FILE, type RecipientsFile } from '../age/recipients';
import { ProblemCollector, SecretsError, type SecretsProblem } from '../errors';
import { CliError, plural, type CliContext } from './context';
import { environmentOf } from './file-names';
import { OPTIONS, resolveDir, type CommandOptions } from './options';
import { decryptFile, listEncryptedFiles, writeEncrypted } from './secrets-files';

type DirOptions = Pick<CommandOptions, 'dir'>;

const HEADER =
  `# Public keys (age1…) of everyone who can decrypt the *-secrets.ini.age files in this directory.\n` +
  `# One per line; change it with \`nest-secrets recipients add|rm\`, which re-encrypts the files.\n`;

/** `nest-secrets recipients add|rm|list` */
export function registerRecipients(program: Command, ctx: CliContext): void {
  const recipients = program
    .command('recipients')
    .summary(`add or remove public keys in ${RECIPIENTS_FILE}, re-encrypting the files`)
    .description(`manage ${RECIPIENTS_FILE}, the public keys the secrets files are encrypted to`);
  recipients
    .command('add')
    .description(
      `add public keys to ${RECIPIENTS_FILE} and re-encrypt every *-secrets.ini.age in the directory to the new set`,
    )
    .argument('<age1…...>', 'X25519 public keys')
    .addOption(OPTIONS.dir())
    .action(async (keys: string[], options: DirOptions) => change(ctx, 'add', keys, options));
  recipients
    .command('rm')
    .description(`remove public keys from ${RECIPIENTS_FILE} and re-encrypt every *-secrets.ini.age without them`)
    .argument('<age1…...>', 'X25519 public keys')
    .addOption(OPTIONS.dir())
    .action(async (keys: string[], options: DirOptions) => change(ctx, 'rm', keys, options));
  recipients
    .command('list')
    .description(`print the public keys in ${RECIPIENTS_FILE}`)
    .addOption(OPTIONS.dir())
    .action(async (options: DirOptions) => {
      const listed = await readRecipientsFile(resolveDir(ctx, options.dir));
      ctx.stdout(listed.recipients.map((key) => `${key}\n`).join(''));
    });
}

/** What `recipients add|rm` will write, all decided before the first write. */
interface RecipientsPlan {
  /** The recipients after the change, in file order. */
  next: string[];
  /** The new text of `.age-recipients` (comments and order kept). */
  text: string;
  /** Every `*-secrets.ini.age` in the directory, and its plaintext. */
  files: { file: string; plaintext: Uint8Array }[];
}

async function change(ctx: CliContext, action: 'add' | 'rm', keys: string[], options: DirOptions): Promise<void> {
  const dir = resolveDir(ctx, options.dir);
  await checkKeys(keys);
  const listed = await readRecipientsFile(dir);
  const plan: RecipientsPlan = {
    ...(action === 'add' ? added(listed, keys) : removed(listed, keys)),
    // Decrypt everything first: if one file cannot be opened, nothing changes.
    files: await decryptAll(ctx, dir, listed.file),
  };
  await cleanLeftovers(dir);
  // Files first, then the list: re-running the command after a crash finishes the job.
  for (const { file, plaintext } of plan.files) await writeEncrypted(file, plaintext, plan.next, ctx.beforeRename);
  if (plan.text !== listed.text) {
    await writeFileAtomic(listed.file, plan.text, { mode: 0o644, beforeRename: ctx.beforeRename });
  }
  reportChange(ctx, action, listed, plan);
}

/** @throws SecretsError `INVALID_RECIPIENT` for each argument that is not an age1… public key */
async function checkKeys(keys: readonly string[]): Promise<void> {
  const problems: SecretsProblem[] = [];
  for (const [index, key] of keys.entries()) {
    const problem = await recipientProblem(key);
    if (problem) problems.push({ code: 'INVALID_RECIPIENT', message: `argument ${index + 1} ${problem}` });
  }
  if (problems.length) throw new SecretsError(problems);
}

/** The list with `keys` appended (each once, those listed already skipped). */
function added(listed: RecipientsFile, keys: readonly string[]): Pick<RecipientsPlan, 'next' | 'text'> {
  const next = [
    ...listed.recipients,
    ...keys.filter((key, i) => !listed.recipients.includes(key) && keys.indexOf(key) === i),
  ];
  const base = listed.text ?? HEADER;
  const appended = next.slice(listed.recipients.length);
  const text = base + (base === '' || base.endsWith('\n') ? '' : '\n') + appended.map((key) => `${key}\n`).join('');
  return { next, text };
}

/**
 * The list without `keys`.
 *
 * @throws CliError when a key is not listed; SecretsError `NO_RECIPIENTS` when none would be left
 */
function removed(listed: RecipientsFile, keys: readonly string[]): Pick<RecipientsPlan, 'next' | 'text'> {
  const missing = keys.filter((key) => !listed.recipients.includes(key));
  if (missing.length) throw new CliError(`not listed in ${listed.file}: ${missing.join(', ')}`);
  const next = listed.recipients.filter((key) => !keys.includes(key));
  if (next.length === 0) {
    throw new SecretsError([
      {
        code: 'NO_RECIPIENTS',
        file: listed.file,
        message:
          'would list no recipient, and nobody could decrypt the files: add the new key before removing the last one',
      },
    ]);
  }
  const lines = (listed.text ?? '').split(/(?<=\n)/);
  return { next, text: lines.filter((line) => !keys.includes(line.trim())).join('') };
}

/**
 * Every `*-secrets.ini.age` in `dir`, decrypted in memory.
 *
 * @throws CliError for a symbolic link; SecretsError with every file that cannot be decrypted
 */
async function decryptAll(ctx: CliContext, dir: string, listFile: string): Promise<RecipientsPlan['files']> {
  const files = await listEncryptedFiles(dir);
  // A link would be replaced by a regular file (the atomic write renames over
  // it) and its target left encrypted to the old set: refuse before any write.
  for (const file of files) {
    if ((await fs.lstat(file)).isSymbolicLink()) {
      throw new CliError(
        `${file}: is a symbolic link: re-encrypting would replace the link; point it at nothing and keep the file here, ` +
          "or run recipients in the link's target directory",
      );
    }
  }
  const collector = new ProblemCollector();
  const decrypted: RecipientsPlan['files'] = [];
  for (const file of files) {
    try {
      decrypted.push({ file, plaintext: (await decryptFile(file, ctx.env, environmentOf(file))).bytes });
    } catch (error) {
      if (!(error instanceof SecretsError)) throw error;
      error.problems.forEach((problem) => collector.add(problem));
    }
  }
  if (!collector.empty) {
    collector.add({
      code: 'DECRYPTION_FAILED',
      file: listFile,
      message: `nothing was changed: every *-secrets.ini.age must be decrypted to re-encrypt it`,
    });
  }
  collector.throwIfAny();
  return decrypted;
}

function reportChange(ctx: CliContext, action: 'add' | 'rm', listed: RecipientsFile, plan: RecipientsPlan): void {
  const { next, files } = plan;
  const changed = action === 'add' ? next.length - listed.recipients.length : listed.recipients.length - next.length;
  ctx.stdout(
    `${action === 'add' ? 'Added' : 'Removed'} ${plural(changed, 'recipient')} (${RECIPIENTS_FILE} lists ${next.length}); ` +
      `re-encrypted ${plural(files.length, 'file')}${files.length ? `: ${files.map(({ file }) => path.basename(file)).join(', ')}` : ''}.\n`,
  );
  if (action === 'rm') {
    ctx.stdout(
      'The removed key can still decrypt earlier versions of these files from git history (and any copy already made):\n' +
        'rotate the secrets they hold — change each password and token where it is issued — then store the new ones with `nest-secrets edit`.\n',
    );
  }
}
