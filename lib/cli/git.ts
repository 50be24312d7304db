import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Environment } from '../environment-variables';
import { CliError } from './context';

/** Runs git; `undefined` when git is missing or exits non-zero. */
export function git(args: readonly string[], cwd: string, env: Environment): string | undefined {
  const result = spawnSync('git', args, { cwd, env: env as NodeJS.ProcessEnv, encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout;
}

/** Top directory of the git work tree containing `dir`, or `undefined` when there is none. */
export function gitTopLevel(dir: string, env: Environment): string | undefined {
  const top = git(['rev-parse', '--show-toplevel'], dir, env)?.trim();
  return top ? path.resolve(top) : undefined;
}

/**
 * Appends `line` to `file` unless a line equal to it (spaces trimmed, an
 * escaped trailing space kept) is already there; creates the file when missing.
 *
 * @returns whether the file changed
 * @throws CliError (exit 1) when `file` is a symbolic link
 */
export async function ensureLine(file: string, line: string): Promise<boolean> {
  // git reads no .gitignore or .gitattributes that is a link; appending through one
  // would protect nothing and change a file that may be out of the work tree.
  if ((await fs.lstat(file).catch(() => undefined))?.isSymbolicLink()) {
    throw new CliError(
      `${file} is a symbolic link, which git does not read; it is left as it is. ` +
        'Make it a regular file, then run the command again.',
    );
  }
  let text = '';
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text.split(/\r\n|\r|\n/).some((existing) => existing === line || existing.trim() === line)) return false;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  await fs.appendFile(file, `${separator}${line}\n`);
  return true;
}

/**
 * `name` (a path relative to the top, `/`-separated) as a `.gitignore`
 * pattern matching exactly it: `\`, `*`, `?` and `[` escaped with a
 * backslash, trailing spaces as `\ `.
 */
export function gitignorePattern(name: string): string {
  const escaped = name.replace(/[\\*?[]/g, (char) => `\\${char}`);
  return escaped.replace(/ +$/, (spaces) => '\\ '.repeat(spaces.length));
}

/** Whether git ignores `relative` (a path relative to the top `top`). */
function ignoredByGit(relative: string, top: string, env: Environment): boolean {
  return git(['check-ignore', '-q', '--', relative], top, env) !== undefined;
}

/**
 * Makes `.gitignore` at the top of the work tree ignore `file` (anchored, e.g.
 * `/keys/age.txt`, special characters escaped), once, then asks git whether
 * it does. Nothing happens outside a work tree or for a file outside it.
 *
 * @returns `undefined` outside a work tree; else the `.gitignore` changed and
 *   the line added (when one was), and whether git now ignores the file
 */
export async function gitignore(
  file: string,
  env: Environment,
): Promise<{ added?: { gitignore: string; line: string }; ignored: boolean } | undefined> {
  const dir = path.dirname(file);
  const top = gitTopLevel(dir, env);
  if (!top) return undefined;
  const relative = path.relative(top, path.resolve(await fs.realpath(dir), path.basename(file)));
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  if (ignoredByGit(relative, top, env)) return { ignored: true };
  // A line break cannot be written in a pattern: it would start another one.
  if (/[\r\n]/.test(relative)) return { ignored: false };
  const line = '/' + gitignorePattern(relative.split(path.sep).join('/'));
  const target = path.join(top, '.gitignore');
  const changed = await ensureLine(target, line);
  return { ...(changed ? { added: { gitignore: target, line } } : {}), ignored: ignoredByGit(relative, top, env) };
}
