import type { Command } from 'commander';
import { SecretsError } from '../errors';
import type { CliContext } from './context';
import { encryptedPath } from './file-names';
import { pathExists } from './files';
import { OPTIONS, resolveDir, type CommandOptions } from './options';
import { decryptFile } from './secrets-files';

/** `nest-secrets decrypt -e <name> [--dir <d>]` */
export function registerDecrypt(program: Command, ctx: CliContext): void {
  program
    .command('decrypt')
    .summary('print a decrypted <env>-secrets.ini.age to stdout')
    .description(
      'print the decrypted <env>-secrets.ini.age to stdout (and nowhere else);\n' +
        'identity from SECRETS_AGE_KEY, SECRETS_AGE_KEY_FILE or the default identity file',
    )
    .addOption(OPTIONS.environment())
    .addOption(OPTIONS.dir())
    .action(async (options: Pick<CommandOptions, 'environment' | 'dir'>) => {
      const file = encryptedPath(resolveDir(ctx, options.dir), options.environment);
      if (!(await pathExists(file))) {
        throw new SecretsError([
          {
            code: 'FILE_NOT_FOUND',
            file,
            message: `encrypted secrets file not found (\`nest-secrets encrypt -e ${options.environment}\` makes it from the plaintext; \`nest-secrets edit -e ${options.environment}\` creates it)`,
          },
        ]);
      }
      const { bytes } = await decryptFile(file, ctx.env, options.environment);
      ctx.stdout(bytes);
    });
}
