import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Environment } from '../locate';

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
 * Appends `line` to `file` unless a line equal to it (spaces trimmed) is
 * already there; creates the file when missing.
 *
 * @returns whether the file changed
 */
export async function ensureLine(file: string, line: string): Promise<boolean> {
  let text = '';
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text.split(/\r\n|\r|\n/).some((existing) => existing.trim() === line)) return false;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  await fs.appendFile(file, `${separator}${line}\n`);
  return true;
}

/**
 * Makes `.gitignore` at the top of the work tree ignore `file` (anchored, e.g.
 * `/keys/age.txt`), once. Nothing happens outside a work tree, for a file
 * outside it, or when git already ignores the file.
 *
 * @returns the `.gitignore` changed and the line added, or `undefined`
 */
export async function gitignore(
  file: string,
  env: Environment,
): Promise<{ gitignore: string; line: string } | undefined> {
  const dir = path.dirname(file);
  const top = gitTopLevel(dir, env);
  if (!top) return undefined;
  const relative = path.relative(top, path.resolve(await fs.realpath(dir), path.basename(file)));
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  if (git(['check-ignore', '-q', '--', relative], top, env) !== undefined) return undefined;
  const line = '/' + relative.split(path.sep).join('/');
  const target = path.join(top, '.gitignore');
  return (await ensureLine(target, line)) ? { gitignore: target, line } : undefined;
}
