import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { ALLOW_FILE } from './allow-list';
import { CliError, type CliContext } from './context';
import { gitTopLevel } from './git';
import { loadLazily } from '../load-lazily';
import { PORTABLE_HOOK_COMMAND, runHook } from './hook-run';
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
      'install the pre-commit check in the repository holding --dir. husky 9 (core.hooksPath in .husky/): ' +
        'adds `nest-secrets hook run` to .husky/pre-commit (husky 5-8: `npx --no-install nest-secrets hook run`). ' +
        'lefthook (lefthook.yml at the top): adds `npx --no-install nest-secrets hook run` to pre-commit in ' +
        'lefthook.yml, or prints the snippet to add (exit 1). Otherwise writes the ' +
        'git pre-commit hook (honouring core.hooksPath); when one exists that it did not write, it is left alone ' +
        'and the line to add to it is printed (exit 1).\n\n' +
        `Paths listed in ${ALLOW_FILE} at the top of the work tree may be committed.`,
    )
    .addOption(OPTIONS.dir())
    .action(async (options: Pick<CommandOptions, 'dir'>) => install(ctx, options));
  hook
    .command('run')
    .description(
      'check the staged files (what the hook runs): exit 1 naming each plaintext *-secrets.ini, backup or ' +
        `editor backup of one not in ${ALLOW_FILE}`,
    )
    .action(async () => runHook(ctx));
}

/**
 * The line to add to a hook that `hook install` did not write: this CLI by
 * absolute path, so that only git, sh and node are needed; or, in a `shared`
 * (committed) hooks directory, {@link PORTABLE_HOOK_COMMAND}.
 */
function hookLine(ctx: CliContext, shared: boolean): string {
  return `${shared ? PORTABLE_HOOK_COMMAND : `node ${shellQuote(ctx.bin)} hook run`} || exit 1`;
}

const SCRIPT_HEAD = `#!/bin/sh
${HOOK_MARKER} (written by \`nest-secrets hook install\`): refuses commits that
# stage a plaintext *-secrets.ini file unless ${ALLOW_FILE} lists it.
`;

/** The whole hook `hook install` writes: the CLI by absolute path, or through npx in a `shared` hooks directory. */
function hookScript(cli: string, shared: boolean): string {
  if (shared) return `${SCRIPT_HEAD}exec ${PORTABLE_HOOK_COMMAND}\n`;
  return `${SCRIPT_HEAD}cli=${shellQuote(cli)}
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
  const { hookLayout, installHusky, installLefthook } = await installers();
  const layout = await hookLayout(top, ctx.env);
  if (layout.kind === 'husky') return installHusky(ctx, layout, top);
  if (layout.kind === 'lefthook') return installLefthook(ctx, layout.config, top);
  await installGitHook(ctx, layout.file, top, layout.shared);
}

/**
 * Writes (or rewrites) this command's own hook at `file`, or tells how to add
 * it to another one. `shared`: the hooks directory is in the work tree, so
 * the hook is portable, and a warning says so.
 */
async function installGitHook(ctx: CliContext, file: string, top: string, shared: boolean): Promise<void> {
  const line = hookLine(ctx, shared);
  if (shared) ctx.stderr(sharedWarning(file, top));
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
  await fs.writeFile(file, hookScript(ctx.bin, shared), { mode: 0o755 });
  await fs.chmod(file, 0o755);
  ctx.stdout(
    `${existing === undefined ? 'Installed' : 'Updated'} ${file}: commits that stage a plaintext *-secrets.ini are refused ` +
      `(list placeholder-only files in ${path.join(top, ALLOW_FILE)}).\n`,
  );
}

/** The warning for a hooks directory (`core.hooksPath`) inside the work tree. */
function sharedWarning(file: string, top: string): string {
  const dir = path.relative(top, path.dirname(file)).split(path.sep).join('/') || '.';
  return (
    `warning: core.hooksPath (${dir}) is inside the work tree, so its hooks are usually committed and run in ` +
    `every clone: the hook runs \`${PORTABLE_HOOK_COMMAND}\` (no path of this machine). ` +
    'Commit it, and have each clone install the package and set core.hooksPath.\n'
  );
}

/** The hook managers' files, loaded by `hook install` only: `hook run` (every commit) needs none of them. */
async function installers(): Promise<
  typeof import('./hook-layout.js') & typeof import('./hook-husky.js') & typeof import('./hook-lefthook.js')
> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const [layout, husky, lefthook] = await Promise.all([
    loadLazily(
      () => require('./hook-layout.js') as typeof import('./hook-layout.js'),
      () => import('./hook-layout.js'),
    ),
    loadLazily(
      () => require('./hook-husky.js') as typeof import('./hook-husky.js'),
      () => import('./hook-husky.js'),
    ),
    loadLazily(
      () => require('./hook-lefthook.js') as typeof import('./hook-lefthook.js'),
      () => import('./hook-lefthook.js'),
    ),
  ]);
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { ...layout, ...husky, ...lefthook };
}
