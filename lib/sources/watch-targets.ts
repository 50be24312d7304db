/**
 * What rotation watches: the paths a load actually read. The one place
 * targets come from, so a new source (a secrets directory…) adds its paths
 * here and every watcher (the module, `watchSecrets`, `exec --watch`) follows.
 */
import type { RawSecrets } from './raw-secrets';
import type { WatchTarget } from './watch';

/**
 * The paths to watch for the sources of `raw`: the secrets file when one was
 * read (the `.age` file when decrypted); nothing for the `values` option,
 * which cannot change.
 */
export function watchTargets(raw: RawSecrets): WatchTarget[] {
  return raw.file === null ? [] : [{ path: raw.file, kind: 'file' }];
}
