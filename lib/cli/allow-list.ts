/**
 * `.nest-secrets-allow`: plaintext secrets files that may be committed (the
 * placeholder files of a sample app, fixtures of tests). Read by `check` and
 * by the pre-commit hook, from the top of the git work tree.
 *
 * One pattern per line in `.gitignore` syntax, matched by the `ignore`
 * package (the matcher eslint and prettier use): `*`, `?`, `[abc]` /
 * `[a-z]` / `[!abc]`, `**` for any number of directories, a trailing `/` for
 * a directory (everything below it is allowed), `!` to take a path back out
 * (a path below an allowed directory cannot be taken back, as in git), `#`
 * comments, `\#` / `\!` for a literal first `#` / `!`, `\ ` for a trailing
 * space. There are no braces (`{a,b}` is literal, as in git): write one line
 * per alternative. Patterns match case-sensitively, as git's on Linux
 * (`sample/` does not allow `Sample/x-secrets.ini`), on every system.
 *
 * One difference from `.gitignore`, kept from the first versions of this
 * file: every pattern is anchored at the top of the work tree, so
 * `production-secrets.ini` allows only the file at the top, never
 * `config/production-secrets.ini` (write `**\/production-secrets.ini` for
 * every directory). A leading `/` changes nothing, and spaces and tabs before
 * a pattern or after it (unless escaped with `\`) are ignored.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type ignoreModule from 'ignore';
import { CliError } from './context';

/** Name of the allow list, at the top of the git work tree. */
export const ALLOW_FILE = '.nest-secrets-allow';

/** The allow list of the work tree at `top`: a matcher for paths relative to `top`. */
export interface AllowList {
  /** Whether `relative` (to the top of the work tree, `/` separators, no `./`) is listed. */
  allows(relative: string): boolean;
}

/**
 * Reads `<top>/.nest-secrets-allow`; a missing file allows nothing.
 *
 * @throws CliError (exit 1) when it is a directory; other read errors as they are
 */
export async function readAllowList(top: string): Promise<AllowList> {
  const file = path.join(top, ALLOW_FILE);
  let text = '';
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new CliError(`${file} is a directory; the allow list is a file of patterns.`);
    if (code !== 'ENOENT') throw error;
  }
  return parseAllowList(text);
}

/**
 * Parses the text of an allow list (see the module comment).
 *
 * @param text the file's content; any line ending (`\n`, `\r\n`, `\r`); a
 *   UTF-8 byte order mark at the start is skipped, as git skips it in `.gitignore`
 * @returns a matcher; `allows` is `false` for every path when no line is a pattern
 */
export function parseAllowList(text: string): AllowList {
  const patterns = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map(anchored);
  // `ignore` is loaded when a path is first asked about: most commits stage
  // no secrets file, and `hook run` then never needs it. Case-sensitive, as
  // git on Linux (`ignore` folds case by default): `sample/…` must not let a
  // real `Sample/…` through.
  let matcher: ReturnType<typeof ignoreModule> | undefined;
  const matching = () =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (matcher ??= (require('ignore') as typeof ignoreModule)({ ignorecase: false }).add(patterns));
  return { allows: (relative) => relative !== '' && matching().ignores(relative) };
}

/** One line of the allow list as a `.gitignore` line anchored at the top (comments and blank lines as they are). */
function anchored(line: string): string {
  const pattern = line.replace(/^[ \t]+/, '').replace(/(?<!\\)[ \t]+$/, '');
  if (pattern === '' || pattern.startsWith('#')) return pattern;
  const negated = pattern.startsWith('!');
  const body = negated ? pattern.slice(1) : pattern;
  return `${negated ? '!' : ''}/${body.replace(/^\/+/, '')}`;
}
