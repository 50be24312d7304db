import { readFileOrThrow } from '../files/read-file';
import { DEFAULT_MAX_FILE_SIZE } from '../sources/read';
import * as path from 'node:path';
import type { Command } from 'commander';
import { cleanLeftovers } from '../files/atomic-write';
import { RECIPIENTS_FILE, recipientsFor } from '../age/recipients';
import { ProblemCollector, SecretsError } from '../errors';
import { plural, type CliContext } from './context';
import { encryptedPath, plaintextPath } from './file-names';
import { OPTIONS, resolveDir, type ListCommandOptions } from './options';
import { checkSyntax, writeEncrypted } from './secrets-files';
import { shellQuote } from './shell';

/** `nest-secrets encrypt -e <names> [--dir <d>] [-r <age1…>]…` */
export function registerEncrypt(program: Command, ctx: CliContext): void {
  program
    .command('encrypt')
    .summary('encrypt <env>-secrets.ini to <env>-secrets.ini.age')
    .description(
      `encrypt <env>-secrets.ini to <env>-secrets.ini.age (armored) for everyone in ${RECIPIENTS_FILE} and each --recipient;\n` +
        'the INI syntax is checked first; the .age file is replaced atomically',
    )
    .addOption(OPTIONS.environments())
    .addOption(OPTIONS.dir())
    .option(
      '-r, --recipient <age1…>',
      'also encrypt to this public key (repeatable)',
      (value: string, all: string[] = []) => [...all, value],
    )
    .action(async (options: EncryptOptions) => encrypt(ctx, options));
}

type EncryptOptions = Pick<ListCommandOptions, 'environment' | 'dir' | 'recipient'>;

async function encrypt(ctx: CliContext, options: EncryptOptions): Promise<void> {
  const dir = resolveDir(ctx, options.dir);
  const recipients = await recipientsFor(dir, options.recipient ?? [], { recipientOption: true });

  // Read and check every file before writing any.
  const problems = new ProblemCollector();
  const plaintexts: { environment: string; file: string; bytes: Uint8Array }[] = [];
  for (const environment of options.environment) {
    const file = plaintextPath(dir, environment);
    let bytes: Uint8Array;
    try {
      bytes = await readFileOrThrow(file, DEFAULT_MAX_FILE_SIZE, 'secrets file');
    } catch (error) {
      if (!(error instanceof SecretsError)) throw error;
      const [problem] = error.problems;
      problems.add(
        problem.code === 'FILE_NOT_FOUND'
          ? {
              ...problem,
              message:
                'secrets file not found: nothing to encrypt (`nest-secrets edit` creates an encrypted file directly)',
            }
          : problem,
      );
      continue;
    }
    try {
      checkSyntax(bytes, file);
    } catch (error) {
      if (!(error instanceof SecretsError)) throw error;
      error.problems.forEach((problem) => problems.add(problem));
      continue;
    }
    plaintexts.push({ environment, file, bytes });
  }
  problems.throwIfAny();

  await cleanLeftovers(dir);
  for (const { environment, file, bytes } of plaintexts) {
    const target = encryptedPath(dir, environment);
    await writeEncrypted(target, bytes, recipients, ctx.beforeRename);
    ctx.stdout(
      `Encrypted ${path.basename(file)} to ${path.basename(target)} for ${plural(recipients.length, 'recipient')}.\n`,
    );
  }
  ctx.stdout(
    `Commit the .age ${plaintexts.length === 1 ? 'file' : 'files'} and delete the plaintext now (the loader refuses to run while both exist):\n` +
      plaintexts.map(({ file }) => `  rm ${shellQuote(file)}\n`).join(''),
  );
}
