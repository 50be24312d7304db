import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { cleanLeftovers, writeFileAtomic } from '../files/atomic-write';
import { defaultIdentityFile } from '../age/identities';
import { ageLibrary } from '../age/library';
import { CliError, type CliContext } from './context';
import { pathExists } from './files';
import { gitignore } from './git';
import type { CommandOptions } from './options';

/** `nest-secrets keygen [--out <file>]` */
export function registerKeygen(program: Command, ctx: CliContext): void {
  program
    .command('keygen')
    .summary('create an identity (private key) and print its public key')
    .description(
      'create a new X25519 age identity (private key) with mode 0600 and print its public key (age1…);\n' +
        'default file: $XDG_CONFIG_HOME/nest-secrets/age-keys.txt (~/.config/… when unset), where decryption looks for it',
    )
    .option('-o, --out <file>', 'where to write the identity (never overwritten)')
    .action(async (options: Pick<CommandOptions, 'out'>) => keygen(ctx, options));
}

async function keygen(ctx: CliContext, options: Pick<CommandOptions, 'out'>): Promise<void> {
  const out = path.resolve(ctx.cwd, options.out ?? defaultIdentityFile(ctx.env));
  const refuse = () =>
    new CliError(
      `${out} already exists; refusing to overwrite an identity (it may be the only key to your secrets). Choose another --out.`,
    );
  if (await pathExists(out)) throw refuse();
  await fs.mkdir(path.dirname(out), { recursive: true, mode: 0o700 });
  await cleanLeftovers(path.dirname(out));

  const { generateX25519Identity, identityToRecipient } = await ageLibrary();
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  // The layout of age-keygen, so `age -d -i <file>` reads it too.
  const text = `# created: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}\n# public key: ${recipient}\n${identity}\n`;
  try {
    await writeFileAtomic(out, text, { mode: 0o600, exclusive: true, beforeRename: ctx.beforeRename });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw refuse();
    throw error;
  }

  ctx.stdout(`${recipient}\n`);
  ctx.stderr(`Wrote a new identity to ${out} (mode 0600). Keep it private and backed up.\n`);
  const ignored = await gitignore(out, ctx.env);
  if (ignored?.added) ctx.stderr(`Added ${ignored.added.line} to ${ignored.added.gitignore}.\n`);
  if (ignored && !ignored.ignored) {
    ctx.stderr(`warning: ${out} is not ignored by git: add it to .gitignore yourself, and never commit it.\n`);
  }
  ctx.stderr(`Public key (above): let others encrypt to it with \`nest-secrets recipients add ${recipient}\`.\n`);
}
