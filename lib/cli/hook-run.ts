/**
 * `nest-secrets hook run`, what every layout of the pre-commit hook calls:
 * refuses staged plaintext secrets files, `init --force` backups and editor
 * backups, unless `.nest-secrets-allow` lists them. Kept to light imports
 * (git, the allow list, file names): it runs on every commit.
 */
import * as path from 'node:path';
import { ALLOW_FILE, readAllowList } from './allow-list';
import { CliError, EXIT_USAGE, type CliContext } from './context';
import { BACKUP_FILE_PATH, EDITOR_BACKUP_PATH, environmentOf, PLAINTEXT_FILE_PATH } from './file-names';
import { git, gitTopLevel } from './git';
import { shellQuote } from './shell';

/**
 * How a committed hook calls `hook run`: through the package's bin, so the
 * line is the same in every clone. `--no-install`: npx never downloads
 * anything, and fails (refusing the commit) when nest-secrets is not
 * installed. Used by lefthook, husky 5 to 8, and hooks directories inside
 * the work tree.
 */
export const PORTABLE_HOOK_COMMAND = 'npx --no-install nest-secrets hook run';
/** Whether the hook refuses a staged path (as git lists it) unless the allow list names it. */
export function refusedByHook(name: string): boolean {
  return PLAINTEXT_FILE_PATH.test(name) || BACKUP_FILE_PATH.test(name) || EDITOR_BACKUP_PATH.test(name);
}

/**
 * Checks the files staged in the work tree holding `ctx.cwd`.
 *
 * @throws CliError (exit 1) naming each refused file and its fix; exit 2 outside a work tree
 */
export async function runHook(ctx: CliContext): Promise<void> {
  const top = gitTopLevel(ctx.cwd, ctx.env);
  if (!top) throw new CliError(`${ctx.cwd} is not inside a git work tree.`, EXIT_USAGE);
  const staged = git(['diff', '--cached', '--name-only', '-z', '--diff-filter=d'], top, ctx.env);
  if (staged === undefined) throw new CliError(`\`git diff --cached\` failed in ${top}.`);
  const allowList = await readAllowList(top);
  const refused = staged
    .split('\0')
    .filter((name) => name !== '' && refusedByHook(name))
    .filter((name) => !allowList.allows(name));
  if (refused.length === 0) return;
  throw new CliError(
    `refusing to commit plaintext secrets:\n${refused.map(refusal).join('\n')}\n` +
      `A file that holds only placeholders may be listed in ${ALLOW_FILE}.`,
  );
}

/** The line naming one refused path, what it is and the fix. */
function refusal(name: string): string {
  const unstage = `git rm --cached ${shellQuote(name)}`;
  if (EDITOR_BACKUP_PATH.test(name)) {
    return `  ${name}: an editor's backup or swap file of a secrets file, holding the same secrets; unstage it (${unstage}) and delete it`;
  }
  if (BACKUP_FILE_PATH.test(name)) {
    return `  ${name}: a backup of a secrets file; unstage it (${unstage}) and delete it`;
  }
  const environment = environmentOf(name);
  const dir = path.posix.dirname(name);
  const where = dir === '.' ? '' : ` --dir ${shellQuote(dir)}`;
  return (
    `  ${name}: encrypt it (nest-secrets encrypt --environment ${environment}${where}), ` +
    `stage the .age file, and unstage this one (${unstage})`
  );
}
