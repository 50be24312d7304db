/**
 * What rotation watches: the paths a load actually read. The one place
 * targets come from, so a new source adds its paths here and every watcher
 * (the module, `watchSecrets`, `exec --watch`) follows.
 */
import type { RawSecrets } from './raw-secrets';
import type { WatchTarget } from './watch';

/**
 * The paths to watch for the sources of `raw`, in source order: each secrets
 * file read (the `.age` file when decrypted) and each secrets directory
 * (its `..data` swaps included); nothing for variables or the `values`
 * option, which cannot change while the process runs.
 */
export function watchTargets(raw: RawSecrets): WatchTarget[] {
  const targets: WatchTarget[] = [];
  for (const source of raw.sources) {
    if (source.kind === 'ini') targets.push({ path: source.file, kind: 'file' });
    else if (source.kind === 'directory') targets.push({ path: source.path, kind: 'directory' });
  }
  return targets;
}
