/**
 * Which hook manager runs a repository's pre-commit hook: husky (git's
 * `core.hooksPath` inside a `.husky` directory, e.g. `.husky/_` of husky 9,
 * or that directory itself as husky 5 to 8 set it, or no
 * `core.hooksPath` yet and a `.husky` directory at the top), lefthook (a
 * `lefthook.yml`, `lefthook.yaml`, `.lefthook.yml` or `.lefthook.yaml` at the
 * top), else git's own hooks directory (`core.hooksPath` honoured).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Environment } from '../environment-variables';
import { CliError } from './context';
import { git } from './git';

/** Where `hook install` puts the hook. Paths are absolute. */
export type HookLayout =
  /**
   * husky: the line goes into `<husky dir>/pre-commit`, never into the generated `<husky dir>/_/`.
   * `active`: git's `core.hooksPath` leads there (false in a fresh clone before husky's `prepare` script ran);
   * `legacy`: husky 5 to 8 (`core.hooksPath` is the `.husky` directory itself), which runs the file
   * without `node_modules/.bin` on PATH.
   */
  | { readonly kind: 'husky'; readonly file: string; readonly active: boolean; readonly legacy: boolean }
  /** lefthook: the command goes into its configuration file. */
  | { readonly kind: 'lefthook'; readonly config: string }
  /**
   * git's hooks directory: the whole hook is written to `<hooks>/pre-commit`. `shared`: `core.hooksPath`
   * is a directory of the work tree (outside `.git`), whose hooks are usually committed.
   */
  | { readonly kind: 'git'; readonly file: string; readonly shared: boolean };

/** Lefthook's configuration file names that `hook install` edits, in the order lefthook reads them. */
export const LEFTHOOK_CONFIGS = ['lefthook.yml', 'lefthook.yaml', '.lefthook.yml', '.lefthook.yaml'] as const;

/**
 * The hook layout of the work tree at `top`.
 *
 * @throws CliError when git cannot tell its hooks directory
 */
export async function hookLayout(top: string, env: Environment): Promise<HookLayout> {
  const hooksPath = git(['config', '--type=path', '--get', 'core.hooksPath'], top, env)?.trim();
  const husky = hooksPath ? huskyDir(path.resolve(top, hooksPath)) : await directory(path.join(top, '.husky'));
  if (husky) {
    const legacy = hooksPath !== undefined && hooksPath !== '' && path.resolve(top, hooksPath) === husky;
    return { kind: 'husky', file: path.join(husky, 'pre-commit'), active: Boolean(hooksPath), legacy };
  }
  for (const name of LEFTHOOK_CONFIGS) {
    const config = path.join(top, name);
    if (
      await fs.stat(config).then(
        (stat) => stat.isFile(),
        () => false,
      )
    )
      return { kind: 'lefthook', config };
  }
  // `--git-path hooks` honours core.hooksPath and linked work trees.
  const hooks = git(['rev-parse', '--git-path', 'hooks'], top, env)?.trim();
  if (!hooks) throw new CliError(`\`git rev-parse --git-path hooks\` failed in ${top}.`);
  const file = path.resolve(top, hooks, 'pre-commit');
  return { kind: 'git', file, shared: Boolean(hooksPath) && inWorkTree(top, path.dirname(file)) };
}

/** Whether `dir` is below `top` and outside its `.git` directory. */
function inWorkTree(top: string, dir: string): boolean {
  const relative = path.relative(top, dir);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return false;
  return relative.split(path.sep)[0] !== '.git';
}

/**
 * The `.husky` directory that is or holds `hooksPath` (husky 9 sets
 * `<dir>/.husky/_`; husky 5 to 8 set `<dir>/.husky` itself, whose committed
 * `pre-commit` git runs), or `undefined`.
 */
function huskyDir(hooksPath: string): string | undefined {
  const segments = hooksPath.split(path.sep);
  const at = segments.lastIndexOf('.husky');
  return at >= 0 ? segments.slice(0, at + 1).join(path.sep) : undefined;
}

async function directory(dir: string): Promise<string | undefined> {
  return (await fs.stat(dir).then(
    (stat) => stat.isDirectory(),
    () => false,
  ))
    ? dir
    : undefined;
}
