import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Every temp file written next to a target starts with this. */
export const TEMP_PREFIX = '.nest-secrets-tmp-';

export { CRASH_BEFORE_RENAME_VARIABLE } from './crash-before-rename';

export interface AtomicWriteOptions {
  /** Permission bits of the new file, set exactly (umask does not apply). */
  mode: number;
  /** Fail with `EEXIST` instead of replacing an existing target. */
  exclusive?: boolean;
  /** Owner of the new file (set on the temp file before the rename); default: whoever runs the process. */
  owner?: { uid: number; gid: number };
  /** Test-only fault injection: called after the temp file is synced, right before the rename. */
  beforeRename?: () => void;
}

/**
 * Replaces (or creates) `target` so that readers see the old content or the
 * new, never a mix: the data goes to `<dir>/.nest-secrets-tmp-<pid>-<random>-<name>`,
 * is synced, then renamed over the target (hard-linked when `exclusive`).
 * On failure the temp file is removed; after a crash {@link cleanLeftovers}
 * removes it.
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions,
): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(
    dir,
    `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}-${path.basename(target)}`,
  );
  const handle = await fs.open(temp, 'wx', options.mode);
  let renamed = false;
  try {
    try {
      await handle.chmod(options.mode);
      if (options.owner) await handle.chown(options.owner.uid, options.owner.gid);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    options.beforeRename?.();
    if (options.exclusive) {
      await fs.link(temp, target);
    } else {
      await fs.rename(temp, target);
      renamed = true;
    }
    await syncDirectory(dir);
  } finally {
    if (!renamed) await fs.rm(temp, { force: true });
  }
}

/**
 * Removes temp files of earlier runs that crashed in `dir` (those whose
 * process is gone; a concurrent run's file is left alone). Every command that
 * writes calls it first.
 *
 * @returns the names removed
 */
export async function cleanLeftovers(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(TEMP_PREFIX.length))?.[1]);
    if (pid === process.pid) continue;
    if (Number.isSafeInteger(pid) && pid > 0 && isAlive(pid)) continue;
    const file = path.join(dir, name);
    const stat = await fs.lstat(file).catch(() => undefined);
    if (!stat?.isFile()) continue;
    await fs.rm(file, { force: true });
    removed.push(name);
  }
  return removed;
}

/** Whether process `pid` exists (it may belong to another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Makes the rename itself durable; not possible everywhere (e.g. Windows).
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close();
  }
}
