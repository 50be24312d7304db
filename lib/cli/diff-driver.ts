import { readRegularFile } from '../files/read-file';
import * as path from 'node:path';
import type { Command } from 'commander';
import { decryptSecrets } from '../sources/decrypt';
import { DEFAULT_MAX_FILE_SIZE } from '../sources/read';
import { CliError, type CliContext } from './context';
import { ENCRYPTED_FILE_PATTERN } from './file-names';
import { ensureLine, git, gitTopLevel } from './git';
import { OPTIONS, resolveDir, type CommandOptions } from './options';
import { shellQuote } from './shell';

/** The `.gitattributes` line that routes encrypted secrets files to the driver. */
export const GITATTRIBUTES_LINE = `${ENCRYPTED_FILE_PATTERN} diff=nest-secrets`;
/** The git config key of the driver's text conversion command. */
export const TEXTCONV_CONFIG = 'diff.nest-secrets.textconv';

/** `nest-secrets diff-driver install` and the hidden `nest-secrets textconv <file>` it configures. */
export function registerDiffDriver(program: Command, ctx: CliContext): void {
  const driver = program
    .command('diff-driver')
    .summary('show encrypted secrets decrypted in `git diff`')
    .description('make `git diff` show encrypted secrets files decrypted');
  driver
    .command('install')
    .description(
      `add "${GITATTRIBUTES_LINE}" to the work tree's .gitattributes and set ${TEXTCONV_CONFIG} in the repository's\n` +
        'git config: whoever holds a key sees decrypted diffs, everyone else the armored text',
    )
    .option(
      '--command <command>',
      'textconv command to configure (default: this nest-secrets, by absolute path, with `textconv`)',
    )
    .addOption(OPTIONS.dir())
    .action(async (options: InstallOptions) => install(ctx, options));

  program
    .command('textconv', { hidden: true })
    .description('print a secrets file decrypted, or as it is when it cannot be decrypted (for git)')
    .argument('<file>')
    .action(async (file: string) => textconv(ctx, path.resolve(ctx.cwd, file)));
}

type InstallOptions = Pick<CommandOptions, 'dir' | 'command'>;

async function install(ctx: CliContext, options: InstallOptions): Promise<void> {
  const dir = resolveDir(ctx, options.dir);
  const top = gitTopLevel(dir, ctx.env);
  if (!top) throw new CliError(`${dir} is not inside a git work tree.`);
  const command = options.command ?? `${shellQuote(process.execPath)} ${shellQuote(ctx.bin)} textconv`;
  const attributes = path.join(top, '.gitattributes');
  const added = await ensureLine(attributes, GITATTRIBUTES_LINE);
  if (git(['config', '--local', TEXTCONV_CONFIG, command], top, ctx.env) === undefined) {
    throw new CliError(`\`git config --local ${TEXTCONV_CONFIG}\` failed in ${top}.`);
  }
  ctx.stdout(
    `${added ? `Added "${GITATTRIBUTES_LINE}" to` : 'Kept'} ${attributes}${added ? ' (commit it)' : ''}.\n` +
      `Set ${TEXTCONV_CONFIG} in ${top}'s git config (each clone runs this once).\n`,
  );
}

/**
 * Never fails: git would abort the whole diff. Whatever goes wrong (no key,
 * wrong key, damaged file, not a file) the raw content is shown instead.
 */
async function textconv(ctx: CliContext, file: string): Promise<void> {
  // A bounded read: git may hand us anything; a FIFO must not hang the diff.
  const raw = await readRegularFile(file, 64 * DEFAULT_MAX_FILE_SIZE);
  if (!(raw instanceof Uint8Array)) return;
  if (raw.length <= DEFAULT_MAX_FILE_SIZE) {
    try {
      ctx.stdout(await decryptSecrets(raw, file, { env: ctx.env }));
      return;
    } catch {
      // shown encrypted below
    }
  }
  ctx.stdout(raw);
}
