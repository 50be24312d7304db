import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { ALLOW_FILE, readAllowList } from './allow-list';
import { CliError, EXIT_USAGE, type CliContext } from './context';
import { BACKUP_FILE_PATH, environmentOf, PLAINTEXT_FILE_PATH } from './file-names';
import { git, gitTopLevel } from './git';
import { OPTIONS, resolveDir, type CommandOptions } from './options';
import { shellQuote } from './shell';

/** First comment line of the hook this command writes; how it recognises its own hook. */
export const HOOK_MARKER = '# nest-secrets pre-commit hook';

/** `nest-secrets hook install [--dir <d>]` and the `hook run` the hook calls. */
export function registerHook(program: Command, ctx: CliContext): void {
  const hook = program
    .command('hook')
    .summary('refuse commits of plaintext secrets files (git pre-commit hook)')
    .description('a git pre-commit hook that refuses commits staging a plaintext *-secrets.ini file');
  hook
    .command('install')
    .description(
      'write the pre-commit hook of the repository holding --dir (honouring core.hooksPath). ' +
        'When a pre-commit hook exists already, it is left alone and the line to add to it is printed (exit 1).\n\n' +
        `Paths listed in ${ALLOW_FILE} at the top of the work tree may be committed.`,
    )
    .addOption(OPTIONS.dir())
    .action(async (options: Pick<CommandOptions, 'dir'>) => install(ctx, options));
  hook
    .command('run')
    .description(
      `check the staged files (what the hook runs): exit 1 naming each plaintext *-secrets.ini not in ${ALLOW_FILE}`,
    )
    .action(async () => run(ctx));
}

/** The command the hook runs: this CLI by absolute path, so that only git, sh and node are needed. */
function hookCommand(ctx: CliContext): { cli: string; line: string } {
  const cli = ctx.bin;
  return { cli, line: `node ${shellQuote(cli)} hook run || exit 1` };
}

function hookScript(cli: string): string {
  return `#!/bin/sh
${HOOK_MARKER} (written by \`nest-secrets hook install\`): refuses commits that
# stage a plaintext *-secrets.ini file unless ${ALLOW_FILE} lists it.
cli=${shellQuote(cli)}
if [ ! -f "$cli" ]; then
  echo "nest-secrets pre-commit hook: $cli is missing; run \\\`npx nest-secrets hook install\\\` again" >&2
  exit 1
fi
node=node
command -v node >/dev/null 2>&1 || node=${shellQuote(process.execPath)}
exec "$node" "$cli" hook run
`;
}

async function install(ctx: CliContext, options: Pick<CommandOptions, 'dir'>): Promise<void> {
  const dir = resolveDir(ctx, options.dir);
  const top = gitTopLevel(dir, ctx.env);
  if (!top) throw new CliError(`${dir} is not inside a git work tree.`);
  // `--git-path hooks` honours core.hooksPath and linked work trees.
  const hooks = git(['rev-parse', '--git-path', 'hooks'], top, ctx.env)?.trim();
  if (!hooks) throw new CliError(`\`git rev-parse --git-path hooks\` failed in ${top}.`);
  const file = path.resolve(top, hooks, 'pre-commit');
  const { cli, line } = hookCommand(ctx);

  const existing = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined && !existing.includes(HOOK_MARKER)) {
    if (/\bhook run\b/.test(existing) && /nest-secrets|main\.js/.test(existing)) {
      ctx.stdout(`${file} already runs \`nest-secrets hook run\`.\n`);
      return;
    }
    throw new CliError(
      `${file} exists and was not written by nest-secrets; it is left as it is. ` +
        `Add this line to it (before any \`exit\`), then run \`nest-secrets hook install\` again to confirm:\n  ${line}`,
    );
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  // Our own hook is rewritten: the CLI may have moved since.
  await fs.writeFile(file, hookScript(cli), { mode: 0o755 });
  await fs.chmod(file, 0o755);
  ctx.stdout(
    `${existing === undefined ? 'Installed' : 'Updated'} ${file}: commits that stage a plaintext *-secrets.ini are refused ` +
      `(list placeholder-only files in ${path.join(top, ALLOW_FILE)}).\n`,
  );
}

async function run(ctx: CliContext): Promise<void> {
  const top = gitTopLevel(ctx.cwd, ctx.env);
  if (!top) throw new CliError(`${ctx.cwd} is not inside a git work tree.`, EXIT_USAGE);
  const staged = git(['diff', '--cached', '--name-only', '-z', '--diff-filter=d'], top, ctx.env);
  if (staged === undefined) throw new CliError(`\`git diff --cached\` failed in ${top}.`);
  const allowList = await readAllowList(top);
  const refused = staged
    .split('\0')
    .filter((name) => name !== '' && (PLAINTEXT_FILE_PATH.test(name) || BACKUP_FILE_PATH.test(name)))
    .filter((name) => !allowList.allows(name));
  if (refused.length === 0) return;
  const lines = refused.map((name) => {
    if (BACKUP_FILE_PATH.test(name)) {
      return `  ${name}: a backup of a secrets file; unstage it (git rm --cached ${shellQuote(name)}) and delete it`;
    }
    const environment = environmentOf(name);
    const dir = path.posix.dirname(name);
    const where = dir === '.' ? '' : ` --dir ${shellQuote(dir)}`;
    return (
      `  ${name}: encrypt it (nest-secrets encrypt --environment ${environment}${where}), ` +
      `stage the .age file, and unstage this one (git rm --cached ${shellQuote(name)})`
    );
  });
  throw new CliError(
    `refusing to commit plaintext secrets:\n${lines.join('\n')}\n` +
      `A file that holds only placeholders may be listed in ${ALLOW_FILE}.`,
  );
}
