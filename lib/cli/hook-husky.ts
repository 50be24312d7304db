/**
 * `hook install` in a husky 9 repository: one portable line in the
 * committed `.husky/pre-commit` (husky runs that file with `sh -e`, with
 * `node_modules/.bin` on PATH), never in husky's generated `.husky/_/`.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ALLOW_FILE } from './allow-list';
import { CliError, type CliContext } from './context';

/**
 * The command the husky and lefthook hooks run: through the package's bin,
 * so the line is the same in every clone. `--no-install`: npx never
 * downloads anything, and fails (refusing the commit) when nest-secrets is not
 * installed.
 */
export const PORTABLE_HOOK_COMMAND = 'npx --no-install nest-secrets hook run';

/** Whether a hook file or configuration already runs `nest-secrets … hook run` on a line of its own. */
export function runsHook(text: string): boolean {
  return text.split(/\r\n|\r|\n/).some((line) => !/^\s*#/.test(line) && /nest-secrets\b.*\bhook run\b/.test(line));
}

/**
 * Adds {@link PORTABLE_HOOK_COMMAND} to husky's `file` (`<dir>/.husky/pre-commit`):
 * first, after a leading `#!` line (and husky 5-8's `husky.sh` line), so
 * that it runs before slower checks;
 * the other lines are left as they are. Creates the file (mode 0755) when
 * missing. Prints what it did, or that it was already installed.
 *
 * @throws CliError when `file` is not a regular file (a directory, a symbolic link: it may lead out of the work tree)
 */
export async function installHusky(ctx: CliContext, file: string, top: string): Promise<void> {
  const relative = path.relative(top, file).split(path.sep).join('/');
  // lstat: a link (even one leading nowhere yet) could make us write wherever it points, out of the work tree.
  const stat = await fs.lstat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (stat && !stat.isFile()) {
    throw new CliError(`${relative} (husky) is not a regular file; it is left as it is. Make it the hook script.`);
  }
  if (!(await insideWorkTree(path.dirname(file), top))) {
    throw new CliError(`${relative} (husky) leads out of the work tree through a symbolic link; it is left as it is.`);
  }
  const existing = stat ? await fs.readFile(file, 'utf8') : undefined;
  if (existing !== undefined && runsHook(existing)) {
    ctx.stdout(`Already installed: ${relative} (husky) runs \`nest-secrets hook run\`.\n`);
    return;
  }
  if (existing === undefined) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, `${PORTABLE_HOOK_COMMAND}\n`, { mode: 0o755 });
  } else {
    await fs.writeFile(file, withHookLine(existing));
  }
  const what =
    existing === undefined
      ? `Created ${relative} (husky) running \`${PORTABLE_HOOK_COMMAND}\``
      : `Added \`${PORTABLE_HOOK_COMMAND}\` to ${relative} (husky)`;
  ctx.stdout(`${what}: ${installedTail(relative)}\n`);
}

/**
 * `text` (a hook script) with {@link PORTABLE_HOOK_COMMAND} as its first
 * command: after a byte order mark, a `#!` line and husky 5-8's
 * `. "$(dirname -- "$0")/_/husky.sh"` line when it has them (the last of
 * those gets a line break if it has none), ending in the line break the file
 * uses (`\r\n` when it has one, else `\n`).
 */
export function withHookLine(text: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const head = /^\uFEFF?(?:#![^\r\n]*(?:\r\n|\n|\r|$))?(?:\.[ \t][^\r\n]*husky\.sh[^\r\n]*(?:\r\n|\n|\r|$))?/.exec(
    text,
  )![0];
  const broken = head.replace(/^\uFEFF/, '') !== '' && !/[\r\n]$/.test(head) ? eol : '';
  return `${head}${broken}${PORTABLE_HOOK_COMMAND}${eol}${text.slice(head.length)}`;
}

/** Whether `dir` (when it exists), links resolved, is `top` or below it. */
async function insideWorkTree(dir: string, top: string): Promise<boolean> {
  const real = await fs.realpath(dir).catch(() => undefined);
  if (real === undefined) return true;
  const realTop = await fs.realpath(top);
  return real === realTop || real.startsWith(realTop + path.sep);
}

/** The end of `hook install`'s message for a committed hook file or configuration (`relative` to the top). */
export function installedTail(relative: string): string {
  return (
    `commits that stage a plaintext *-secrets.ini are refused (list placeholder-only files in ${ALLOW_FILE}). ` +
    `Commit ${relative} so that every clone runs it.`
  );
}
