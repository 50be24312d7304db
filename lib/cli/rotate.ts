/**
 * `nest-secrets rotate`: replaces generated tokens (session secrets, signing
 * keys…) with fresh random ones, in a plaintext `<env>-secrets.ini` or an
 * `<env>-secrets.ini.age` alike, changing only the characters of those values.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { encryptArmored } from '../age/cipher';
import { describeIdentitySource, resolveIdentities } from '../age/identities';
import { recipientsFor, RECIPIENTS_FILE } from '../age/recipients';
import type { Environment } from '../environment-variables';
import { cleanLeftovers, writeFileAtomic, type AtomicWriteOptions } from '../files/atomic-write';
import { isPresentableName } from '../errors';
import { locate } from '../sources/locate';
import { parseIni } from '../sources/parse';
import { decodeUtf8, DEFAULT_MAX_FILE_SIZE, readPlaintext, startsWithByteOrderMark } from '../sources/read';
import { CliError, EXIT_USAGE, plural, type CliContext } from './context';
import { OPTIONS, resolveDir, type CommandOptions } from './options';
import { commandEnv } from './raw-secrets';
import { parseKeyPath, planRotations, rewrite, type KeyPath, type Rotation } from './rotate-plan';
import { ignoreBackups, writeBackup } from './secrets-backup';
import { checkSyntax } from './secrets-files';
import { DEFAULT_TOKEN_BYTES, MAX_TOKEN_BYTES, type TokenEncoding } from './tokens';

type RotateOptions = Pick<CommandOptions, 'environment' | 'dir' | 'force'> & {
  bytes?: number;
  base64url?: boolean;
  hex?: boolean;
};

/** `nest-secrets rotate -e <name> [--dir <d>] [--bytes <n>] [--base64url | --hex] [--force] <section.key>…` */
export function registerRotate(program: Command, ctx: CliContext): void {
  program
    .command('rotate')
    .summary('replace generated tokens with fresh random ones (plaintext or .age), never showing a value')
    .description(
      'replace the value of each section.key with a fresh random token of the same shape (same length and ' +
        'encoding: hex, a UUID, base64url, base64 with its padding, or letters and digits of the same kinds), in ' +
        '<env>-secrets.ini or <env>-secrets.ini.age (decrypted in memory, re-encrypted for everyone in ' +
        `${RECIPIENTS_FILE}). Only those characters change; the file is replaced atomically, a plaintext file ` +
        'after a copy to <file>.bak-<timestamp> (mode 0600). A value that does not look generated (16+ ' +
        'characters: hex, a UUID, or letters and digits mixed, alone or as base64url or base64 write them), an ' +
        'empty one or a $VAR reference is refused unless --force (then hex of ' +
        `${DEFAULT_TOKEN_BYTES} random bytes, or more when the old value could hold more, unless --bytes / ` +
        '--base64url say otherwise). Every key is checked before anything is written.',
    )
    .argument('<section.key...>', 'keys to rotate, e.g. session.secret (the section is before the last dot)')
    .addOption(OPTIONS.environment())
    .addOption(OPTIONS.dir())
    .addOption(
      new Option(
        '--bytes <n>',
        `random bytes of each new token, 1-${MAX_TOKEN_BYTES} (hex: 2n characters, base64url: ⌈4n/3⌉)`,
      ).argParser(parseBytes),
    )
    .addOption(new Option('--base64url', 'write base64url tokens (no padding)').conflicts('hex'))
    .addOption(new Option('--hex', 'write hex tokens'))
    .option('--force', 'also replace values that do not look generated (empty, a $VAR reference, a password…)')
    .action(async (targets: string[], options: RotateOptions) => rotate(ctx, targets, options));
}

function parseBytes(value: string): number {
  const bytes = Number(value);
  if (!/^\d+$/.test(value) || bytes < 1 || bytes > MAX_TOKEN_BYTES) {
    throw new InvalidArgumentError(`expected a whole number of bytes from 1 to ${MAX_TOKEN_BYTES}.`);
  }
  return bytes;
}

/** `section.key` arguments as key paths; a malformed one is a usage error (named only when name-like). */
function keyPaths(targets: readonly string[]): KeyPath[] {
  return targets.map((target, index) => {
    const parsed = parseKeyPath(target);
    if (parsed) return parsed;
    const named = isPresentableName(target) ? `"${target}"` : `argument ${index + 1}`;
    throw new CliError(
      `rotate: ${named} is not <section>.<key> (e.g. session.secret); \`nest-secrets keys -e <env>\` lists them`,
      EXIT_USAGE,
    );
  });
}

async function rotate(ctx: CliContext, targets: readonly string[], options: RotateOptions): Promise<void> {
  const paths = keyPaths(targets);
  const dir = resolveDir(ctx, options.dir);
  const env = commandEnv(ctx.env);
  const read = await readPlaintext(locate({ environment: options.environment, directory: dir, env }), {
    maxFileSize: DEFAULT_MAX_FILE_SIZE,
    env,
  });
  await refuseLink(read.file);
  // An .age file is re-encrypted to the list: a missing or broken list stops the command before any write.
  const recipients = read.encrypted ? await recipientsFor(dir) : undefined;
  if (recipients) await refuseLockout(read.file, dir, env, recipients);
  const text = decodeUtf8(read.plaintext, read.file);
  const parsed = parseIni(text, read.file);
  const encoding: TokenEncoding | undefined = options.base64url ? 'base64url' : options.hex ? 'hex' : undefined;
  const rotations = planRotations(text, parsed, read.file, paths, {
    force: options.force === true,
    ...(options.bytes !== undefined && { bytes: options.bytes }),
    ...(encoding && { encoding }),
  });
  const bom = startsWithByteOrderMark(read.plaintext) ? '\uFEFF' : '';
  const bytes = Buffer.from(bom + rewrite(text, parsed, read.file, rotations), 'utf8');
  checkSyntax(bytes, read.file);
  await cleanLeftovers(path.dirname(read.file));
  if (recipients) {
    await replaceEncrypted(ctx, read.file, bytes, recipients);
    report(ctx, rotations, read.file, ` (encrypted for ${plural(recipients.length, 'recipient')})`);
  } else {
    await replacePlaintext(ctx, read.file, read.plaintext, bytes);
    report(ctx, rotations, read.file, '');
  }
}

/**
 * Re-encrypting to a list that holds none of the identities that just
 * decrypted the file would lock the user out of it: refused before any write.
 */
async function refuseLockout(
  file: string,
  dir: string,
  env: Environment,
  recipients: readonly string[],
): Promise<void> {
  const mine = await resolveIdentities({ env }, file);
  if (mine.recipients.some((recipient) => recipients.includes(recipient))) return;
  throw new CliError(
    `${file}: none of your age identities (from ${describeIdentitySource(mine.source)}) is in ${path.join(dir, RECIPIENTS_FILE)}: after rotating you could not decrypt the file; add your public key with \`nest-secrets recipients add\` first`,
  );
}

/**
 * A link would be replaced by a regular file (the atomic write renames over
 * it), leaving its target, or the file's other hard-linked names, with the
 * old values: refused before any write.
 */
async function refuseLink(file: string): Promise<void> {
  const stat = await fs.lstat(file);
  if (stat.isSymbolicLink()) {
    throw new CliError(
      `${file}: is a symbolic link: rotating would replace the link with a file; run rotate with --dir set to the link's target directory`,
    );
  }
  if (stat.nlink > 1) {
    throw new CliError(
      `${file}: has ${stat.nlink} hard links: rotating would give this name a new file and leave the other names with the old values; remove the other links first (find -samefile lists them)`,
    );
  }
}

/**
 * How the new file must be written to stand where `file` stands: its mode,
 * and, when run as root (`sudo nest-secrets rotate` on a server), its owner
 * and group, so that the app's user can still read it.
 */
async function keptAttributes(
  ctx: CliContext,
  file: string,
): Promise<Pick<AtomicWriteOptions, 'mode' | 'owner' | 'beforeRename'>> {
  const { mode, uid, gid } = await fs.stat(file);
  const giveAway = process.getuid?.() === 0 && (uid !== 0 || gid !== process.getgid?.());
  return { mode: mode & 0o777, ...(giveAway && { owner: { uid, gid } }), beforeRename: ctx.beforeRename };
}

/** Keeps a 0600 copy of the old file (ignored by git), then replaces the file atomically, keeping its mode and owner. */
async function replacePlaintext(ctx: CliContext, file: string, old: Uint8Array, bytes: Uint8Array): Promise<void> {
  const attributes = await keptAttributes(ctx, file);
  const gitignore = await ignoreBackups(ctx, file);
  if (gitignore) ctx.stdout(`Added *-secrets.ini.bak-* to ${gitignore}.\n`);
  const backup = await writeBackup(ctx, file, old, new Date());
  ctx.stdout(`Kept the old ${path.basename(file)} as ${backup} (mode 0600).\n`);
  await writeFileAtomic(file, bytes, attributes);
}

/** Encrypts `plaintext` (armored) to `recipients` and replaces `file` atomically, keeping its mode and owner. */
async function replaceEncrypted(
  ctx: CliContext,
  file: string,
  plaintext: Uint8Array,
  recipients: readonly string[],
): Promise<void> {
  const attributes = await keptAttributes(ctx, file);
  await writeFileAtomic(file, await encryptArmored(plaintext, recipients), attributes);
}

/** `Rotated session.secret, database.password in <file>.`: names only, never a value. */
function report(ctx: CliContext, rotations: readonly Rotation[], file: string, suffix: string): void {
  const names = rotations.map(({ path: { section, key } }) => `${section}.${key}`);
  ctx.stdout(`Rotated ${names.join(', ')} in ${file}${suffix}.\n`);
}
