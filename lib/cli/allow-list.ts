/**
 * `.nest-secrets-allow`: plaintext secrets files that may be committed (the
 * placeholder files of a sample app, fixtures of tests). Read by `check` and
 * by the pre-commit hook, from the top of the git work tree.
 *
 * One path or glob per line, relative to the top of the work tree, `/` as
 * separator; a leading `/` is ignored (every entry is anchored there). Blank
 * lines and lines starting with `#` are ignored; spaces and tabs around an
 * entry are trimmed. In globs `*` matches within one path segment, `?` one
 * character other than `/`, and `**` any number of whole segments
 * (`sample/**` or `**\/fixtures/*-secrets.ini`); an entry ending in `/` is
 * a directory and allows everything below it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Name of the allow list, at the top of the git work tree. */
export const ALLOW_FILE = '.nest-secrets-allow';

/** The allow list of the work tree at `top`: a matcher for paths relative to `top`. */
export interface AllowList {
  /** Whether `relative` (to the top of the work tree, `/` separators) is listed. */
  allows(relative: string): boolean;
}

/** Reads `<top>/.nest-secrets-allow`; a missing file allows nothing. */
export async function readAllowList(top: string): Promise<AllowList> {
  let text = '';
  try {
    text = await fs.readFile(path.join(top, ALLOW_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return parseAllowList(text);
}

/** Parses the text of an allow list (see the module comment). */
export function parseAllowList(text: string): AllowList {
  const patterns = text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.replace(/^\/+/, ''))
    .map((entry) => globToRegExp(entry.endsWith('/') ? `${entry}**` : entry));
  return { allows: (relative) => patterns.some((pattern) => pattern.test(relative)) };
}

/** A glob as described in the module comment, matched against the whole path. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const atStart = i === 0 || glob[i - 1] === '/';
      const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
      if (atStart && atEnd) {
        // `**/` is zero or more whole segments; a final `**` is everything below.
        if (i + 2 === glob.length) source += '.*';
        else source += '(?:[^/]*/)*';
        i += glob[i + 2] === '/' ? 2 : 1;
        continue;
      }
    }
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
