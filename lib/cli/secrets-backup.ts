/**
 * The copy `rotate` and `init --force` keep of a plaintext secrets file
 * before replacing it: `<file>.bak-<stamp>`, mode 0600, ignored by git
 * through `*-secrets.ini.bak-*`.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../files/atomic-write';
import type { CliContext } from './context';
import { backupPath, GITIGNORE_BACKUPS } from './file-names';
import { ensureLine, git, gitTopLevel } from './git';

/** Mode of every backup: it holds the old secrets. */
export const BACKUP_MODE = 0o600;

/** `20250102T030405Z`: sortable, and valid in file names everywhere. */
export function backupStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * Writes `content` (what `file` holds now) to `<file>.bak-<stamp>`, then
 * `-1`, `-2`… when taken (never replacing anything), mode 0600, atomically.
 * A copy rather than a rename, so that the secrets file exists at every moment.
 *
 * @returns the backup's path
 * @throws the file system's error (`EEXIST` after 100 names taken)
 */
export async function writeBackup(ctx: CliContext, file: string, content: Uint8Array, now: Date): Promise<string> {
  const stamp = backupStamp(now);
  for (let attempt = 0; ; attempt++) {
    const backup = backupPath(file, stamp, attempt);
    try {
      await writeFileAtomic(backup, content, { mode: BACKUP_MODE, exclusive: true, beforeRename: ctx.beforeRename });
      return backup;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 99) throw error;
    }
  }
}

/**
 * Inside a git work tree, adds `*-secrets.ini.bak-*` to the top `.gitignore`
 * unless git already ignores the backups of `file`.
 *
 * @returns the `.gitignore` changed, or `undefined` when none was
 */
export async function ignoreBackups(ctx: CliContext, file: string): Promise<string | undefined> {
  const dir = path.dirname(file);
  const top = gitTopLevel(dir, ctx.env);
  if (!top) return undefined;
  const sample = path.relative(top, path.join(await fs.realpath(dir), `${path.basename(file)}.bak-x`));
  if (sample.startsWith('..') || path.isAbsolute(sample)) return undefined;
  const relative = sample.split(path.sep).join('/');
  if (git(['check-ignore', '-q', '--no-index', '--', relative], top, ctx.env) !== undefined) return undefined;
  const gitignore = path.join(top, '.gitignore');
  return (await ensureLine(gitignore, GITIGNORE_BACKUPS)) ? gitignore : undefined;
}
