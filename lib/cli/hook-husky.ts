/**
 * `hook install` in a husky repository: one portable line in the committed
 * `.husky/pre-commit`, never in husky's generated `.husky/_/`. husky 9 runs
 * that file with `sh -e` and `node_modules/.bin` first on PATH (its
 * `.husky/_/h` script), so the line is {@link HUSKY_HOOK_COMMAND}; husky 5 to
 * 8 put nothing on PATH, so there it is {@link PORTABLE_HOOK_COMMAND}.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ALLOW_FILE } from './allow-list';
import { CliError, type CliContext } from './context';
import { PORTABLE_HOOK_COMMAND } from './hook-run';

/**
 * The line for husky 9, whose hooks run with `node_modules/.bin` on PATH:
 * the bin without npx, which costs about 300 ms more on every commit. When
 * nest-secrets is not installed, the shell fails (127) and so does the commit.
 */
export const HUSKY_HOOK_COMMAND = 'nest-secrets hook run';

/** What `hook install` tells in a clone where husky's `prepare` script has not set `core.hooksPath` yet. */
export const HUSKY_INACTIVE =
  "husky isn't active in this clone yet (git's core.hooksPath is not set, so git runs no hook of .husky): " +
  'run `npm install`, whose `prepare` script runs husky, or `npx husky`.';

/** The line `hook install` adds to `.husky/pre-commit`: husky 5-8 (`legacy`, or a file sourcing `husky.sh`) get npx. */
export function huskyLine(legacy: boolean, existing: string | undefined): string {
  return legacy || /^\.[ \t][^\r\n]*husky\.sh/m.test(existing ?? '') ? PORTABLE_HOOK_COMMAND : HUSKY_HOOK_COMMAND;
}

/** Whether a hook file or configuration already runs `nest-secrets … hook run` on a line of its own. */
export function runsHook(text: string): boolean {
  return text.split(/\r\n|\r|\n/).some((line) => !/^\s*#/.test(line) && /nest-secrets\b.*\bhook run\b/.test(line));
}

/**
 * Adds {@link huskyLine} to husky's `file` (`<dir>/.husky/pre-commit`):
 * first, after a leading `#!` line (and husky 5-8's `husky.sh` line), so
 * that it runs before slower checks;
 * the other lines are left as they are. Creates the file (mode 0755) when
 * missing. Prints what it did, or that it was already installed (a line of
 * an older version, `npx --no-install nest-secrets hook run`, counts), then
 * {@link HUSKY_INACTIVE} when `active` is false.
 *
 * @throws CliError when `file` is not a regular file (a directory, a symbolic link: it may lead out of the work tree)
 */
export async function installHusky(
  ctx: CliContext,
  layout: { file: string; active: boolean; legacy: boolean },
  top: string,
): Promise<void> {
  const { file } = layout;
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
  const inactive = layout.active ? '' : ` ${HUSKY_INACTIVE}`;
  if (existing !== undefined && runsHook(existing)) {
    ctx.stdout(`Already installed: ${relative} (husky) runs \`nest-secrets hook run\`.${inactive}\n`);
    return;
  }
  const line = huskyLine(layout.legacy, existing);
  if (existing === undefined) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, `${line}\n`, { mode: 0o755 });
  } else {
    await fs.writeFile(file, withHookLine(existing, line));
  }
  const what =
    existing === undefined
      ? `Created ${relative} (husky) running \`${line}\``
      : `Added \`${line}\` to ${relative} (husky)`;
  ctx.stdout(`${what}: ${installedTail(relative)}${inactive}\n`);
}

/**
 * `text` (a hook script) with `line` (a shell command) as its first
 * command: after a byte order mark, a `#!` line and husky 5-8's
 * `. "$(dirname -- "$0")/_/husky.sh"` line when it has them (the last of
 * those gets a line break if it has none), ending in the line break the file
 * uses (`\r\n` when it has one, else `\n`).
 */
export function withHookLine(text: string, line: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const head = /^\uFEFF?(?:#![^\r\n]*(?:\r\n|\n|\r|$))?(?:\.[ \t][^\r\n]*husky\.sh[^\r\n]*(?:\r\n|\n|\r|$))?/.exec(
    text,
  )![0];
  const broken = head.replace(/^\uFEFF/, '') !== '' && !/[\r\n]$/.test(head) ? eol : '';
  return `${head}${broken}${line}${eol}${text.slice(head.length)}`;
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
