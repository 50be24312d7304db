/**
 * Watching the file sources for rotation: one debounced call after a change
 * settles, across Kubernetes `..data` swaps and files replaced by rename.
 *
 * Node's `fs.watch` rather than a library (chokidar 6 would be the
 * well-kept choice, one dependency): what is watched is narrow — one
 * non-recursive watch per directory, re-armed after every change, never a
 * watch on a file or through a link — and the known ways to miss a
 * Kubernetes update are all about doing more: watching the file or following
 * `..data` (the kubelet deletes the target: `IN_DELETE_SELF`, the watch is
 * dead), or filtering on event types (the swap shows as a create on some
 * systems and as a write on others, jimmidyson/configmap-reload#190). Here
 * every event in a watched directory counts, filtered by name only, and the
 * reader decides what changed. Polling is our own too: one timer for all
 * targets comparing `lstat`s and the `..data` link's target (a swap leaves
 * the visible links untouched, so their mtimes say nothing), not a
 * `fs.watchFile` timer per file.
 */
import { lstatSync, opendirSync, readlinkSync, realpathSync, statSync, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';

/** A path to watch: a secrets file (INI or `.age`), or a secrets directory. */
export interface WatchTarget {
  readonly path: string;
  readonly kind: 'file' | 'directory';
}

export interface WatchOptions {
  /** Quiet time after the last event before `onChange` is called, in ms. Default 100. */
  debounceMs?: number;
  /**
   * Poll every this many ms instead of using file system events (network file
   * systems, some container mounts report no events). Also the fallback when
   * events cannot be had for a target (default then 1000).
   */
  pollIntervalMs?: number;
  /**
   * Whether the watcher alone keeps the process alive. Default false: a
   * process whose app is closed, or a script that forgot to close it, exits
   * on its own; a server keeps itself alive anyway.
   */
  keepAlive?: boolean;
  /** Called with what `onChange` threw or rejected with. Default: a process warning. */
  onError?: (error: unknown) => void;
}

/** A running watch; `close()` stops it for good (idempotent) and frees every handle at once. */
export interface PathWatcher {
  close(): void;
  /** Targets watched by events and by polling, for a log line. */
  mode(): { events: number; polling: number };
}

/** The default of `debounceMs`. */
export const DEFAULT_DEBOUNCE_MS = 100;
/** The poll interval when events are unavailable for a target and `pollIntervalMs` is not set. */
export const FALLBACK_POLL_INTERVAL_MS = 1000;
/** Most directory entries a poll compares per target; more are not looked at. */
const MAX_POLLED_ENTRIES = 1000;

/**
 * Calls `onChange` once after changes to `targets` settle (`debounceMs` without
 * a further event). Never concurrently: a change during an `onChange` that
 * returned a promise leads to one more call once it settles. `onChange` may
 * be called when nothing relevant changed (a read that finds the same values
 * is the caller's to ignore); a change that settles is never missed.
 *
 * - A directory is watched itself (not through `..data`, whose target the
 *   kubelet deletes: inotify's `IN_DELETE_SELF`), and so are its real
 *   sub-directories (one per section).
 * - A file is watched through its directory, filtered by name, so a file
 *   replaced by rename (editors, Vault Agent, `nest-secrets edit`) stays
 *   watched; a file that is a link (a Kubernetes volume) is also watched
 *   through the directory of the file it resolves to, and through `..data`
 *   swaps in either.
 * - Every watch is re-armed before each `onChange`, so the watches follow
 *   replaced directories and new sections; the read that `onChange` starts
 *   comes after the re-arm, so nothing between the two is lost.
 */
export function watchPaths(
  targets: readonly WatchTarget[],
  onChange: () => void | Promise<void>,
  options: WatchOptions = {},
): PathWatcher {
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const keepAlive = options.keepAlive ?? false;
  const onError =
    options.onError ??
    ((error: unknown) =>
      process.emitWarning(`secrets watcher: onChange failed (${error instanceof Error ? error.name : typeof error})`));
  const resolved = targets.map((t) => ({ path: path.resolve(t.path), kind: t.kind }));

  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let pending = false;
  let watchers: FSWatcher[] = [];
  let polled: (typeof resolved)[number][] = [];
  let pollTimer: NodeJS.Timeout | undefined;
  let lastSignature = '';

  const changed = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
    if (!keepAlive) timer.unref();
  };

  const fire = () => {
    timer = undefined;
    if (closed) return;
    if (running) {
      pending = true;
      return;
    }
    arm();
    let result: void | Promise<void>;
    try {
      result = onChange();
    } catch (error) {
      onError(error);
      return;
    }
    if (result && typeof result.then === 'function') {
      running = true;
      result.then(
        () => settle(),
        (error: unknown) => {
          onError(error);
          settle();
        },
      );
    }
  };

  const settle = () => {
    running = false;
    if (pending && !closed) {
      pending = false;
      changed();
    }
  };

  const arm = () => {
    for (const watcher of watchers) watcher.close();
    watchers = [];
    polled = [];
    for (const target of resolved) {
      if (options.pollIntervalMs !== undefined || !watchTarget(target)) polled.push(target);
    }
    if (polled.length > 0 && pollTimer === undefined) {
      lastSignature = signature(polled);
      pollTimer = setInterval(poll, options.pollIntervalMs ?? FALLBACK_POLL_INTERVAL_MS);
      if (!keepAlive) pollTimer.unref();
    } else if (polled.length === 0 && pollTimer !== undefined) {
      clearInterval(pollTimer);
      pollTimer = undefined;
    } else if (polled.length > 0) {
      lastSignature = signature(polled);
    }
  };

  const poll = () => {
    if (closed) return;
    const now = signature(polled);
    if (now !== lastSignature) {
      lastSignature = now;
      changed();
    }
  };

  /** Arms the event watches of one target; false when events cannot be had. */
  const watchTarget = (target: { path: string; kind: 'file' | 'directory' }): boolean => {
    const armed: FSWatcher[] = [];
    try {
      if (target.kind === 'directory') {
        armed.push(watchDirectory(target.path, () => true));
        for (const sub of subDirectories(target.path)) armed.push(watchDirectory(sub, () => true));
      } else {
        const name = path.basename(target.path);
        armed.push(watchDirectory(path.dirname(target.path), (f) => f === null || f === name || f.startsWith('..')));
        const real = realpathOrUndefined(target.path);
        if (real !== undefined && path.dirname(real) !== path.dirname(target.path)) {
          const realName = path.basename(real);
          armed.push(watchDirectory(path.dirname(real), (f) => f === null || f === realName || f.startsWith('..')));
        }
      }
    } catch {
      for (const watcher of armed) watcher.close();
      return false;
    }
    watchers.push(...armed);
    return true;
  };

  const watchDirectory = (dir: string, relevant: (name: string | null) => boolean): FSWatcher => {
    const watcher = watch(dir, { persistent: true, encoding: 'utf8' }, (_event, filename) => {
      if (relevant(filename)) changed();
    });
    // The directory went away (IN_DELETE_SELF, unmounted): re-arm after the debounce, polling if need be.
    watcher.on('error', () => {
      watcher.close();
      changed();
    });
    if (!keepAlive) watcher.unref();
    return watcher;
  };

  arm();

  return {
    close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      if (pollTimer) clearInterval(pollTimer);
      timer = pollTimer = undefined;
      for (const watcher of watchers) watcher.close();
      watchers = [];
    },
    mode: () => ({ events: resolved.length - polled.length, polling: polled.length }),
  };
}

function realpathOrUndefined(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}

/** Real (not linked) non-dot sub-directories: the section directories of a plain layout. */
function subDirectories(dir: string): string[] {
  const found: string[] = [];
  const handle = opendirSync(dir);
  try {
    let seen = 0;
    for (let entry = handle.readSync(); entry !== null && seen < MAX_POLLED_ENTRIES; entry = handle.readSync()) {
      seen++;
      if (!entry.name.startsWith('.') && entry.isDirectory()) found.push(path.join(dir, entry.name));
    }
  } finally {
    handle.closeSync();
  }
  return found;
}

/**
 * What a poll compares: for a file, `lstat` of the path and `stat` of what it
 * resolves to; for a directory, its `stat`, the `..data` link, and `lstat` of
 * every entry and of every entry of a sub-directory (in-place edits change
 * the file, not the directory).
 */
function signature(targets: readonly { path: string; kind: 'file' | 'directory' }[]): string {
  const parts: string[] = [];
  for (const target of targets) {
    if (target.kind === 'file') {
      parts.push(statPart(target.path, true), statPart(target.path, false));
      continue;
    }
    parts.push(statPart(target.path, false), linkPart(path.join(target.path, '..data')));
    let seen = 0;
    const walk = (dir: string, depth: number) => {
      let handle;
      try {
        handle = opendirSync(dir);
      } catch {
        parts.push(`${dir}:gone`);
        return;
      }
      try {
        const names: string[] = [];
        for (let entry = handle.readSync(); entry !== null && seen < MAX_POLLED_ENTRIES; entry = handle.readSync()) {
          seen++;
          if (!entry.name.startsWith('.')) names.push(entry.name);
        }
        names.sort();
        for (const name of names) {
          const full = path.join(dir, name);
          parts.push(statPart(full, true));
          if (depth === 0 && isRealDirectory(full)) walk(full, 1);
        }
      } finally {
        handle.closeSync();
      }
    };
    walk(target.path, 0);
  }
  return parts.join('\n');
}

function statPart(file: string, noFollow: boolean): string {
  try {
    const s = noFollow ? lstatSync(file, { bigint: true }) : statSync(file, { bigint: true });
    return `${file}:${s.dev}:${s.ino}:${s.mode}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch (error) {
    return `${file}:${(error as NodeJS.ErrnoException).code ?? 'error'}`;
  }
}

function linkPart(link: string): string {
  try {
    return `${link}->${readlinkSync(link)}`;
  } catch (error) {
    return `${link}:${(error as NodeJS.ErrnoException).code ?? 'error'}`;
  }
}

function isRealDirectory(file: string): boolean {
  try {
    return lstatSync(file).isDirectory();
  } catch {
    return false;
  }
}
