/**
 * Rotation: load again when a source changes, keep the last good secrets
 * when the new ones do not load, swap the whole result at once. Shared by
 * `SecretsModule` (`watch` option) and {@link watchSecrets} (no Nest).
 */
import type { Observable } from 'rxjs';
import { errorName, SecretsError } from './errors';
import { buildSecrets, type LoadSecretsOptions, type Secrets, snapshotOptions } from './load-secrets';
import { changedSections } from './sources/changed-sections';
export { changedSections };
import { loadRawSecrets, type RawSecrets } from './sources/raw-secrets';
import { watchPaths, type PathWatcher } from './sources/watch';
import { watchTargets } from './sources/watch-targets';

/** How to watch: both optional. */
export interface SecretsWatchOptions {
  /** Quiet time after the last file event before the sources are read again, in ms. Default 100. */
  debounceMs?: number;
  /**
   * Compare the files every this many ms instead of waiting for file system
   * events (network file systems and some container mounts send none).
   * Default: events, falling back to polling every 1000 ms for a path
   * whose events cannot be had.
   */
  pollIntervalMs?: number;
}

/**
 * What `changes` emits after each update of the sources that was read:
 * - `{ type: 'applied', sections }`: the new secrets are current;
 *   `sections` names the sections whose values changed (added, removed or
 *   edited), in the new file's order, then removed ones; never a value.
 *   Every name is listed, also one the log line leaves out because it looks
 *   like a pasted value rather than a name.
 * - `{ type: 'failed', error }`: the update did not load or validate; the
 *   last good secrets stay current. `error` is the `SecretsError` (its
 *   message names files, lines and keys, never a value).
 *
 * An update that changed no value emits nothing.
 */
export type SecretsChange =
  | { readonly type: 'applied'; readonly sections: readonly string[] }
  | { readonly type: 'failed'; readonly error: SecretsError };

/**
 * `watch` as given (`true`, `false`, an object, or absent) as the watcher's
 * options, or `undefined` for no watching.
 *
 * @throws SecretsError `INVALID_OPTION` naming what is wrong
 */
export function resolveWatchOption(watch: unknown): SecretsWatchOptions | undefined {
  if (watch === undefined || watch === false) return undefined;
  if (watch === true) return {};
  const invalid = (message: string) => new SecretsError([{ code: 'INVALID_OPTION', message }]);
  if (watch === null || typeof watch !== 'object' || Array.isArray(watch)) {
    throw invalid('watch must be true, false or an object of watch options ({ debounceMs, pollIntervalMs })');
  }
  const given = { ...(watch as Record<string, unknown>) };
  const problems: string[] = [];
  for (const name of Object.keys(given)) {
    if (name !== 'debounceMs' && name !== 'pollIntervalMs')
      problems.push(`watch: unknown option ${JSON.stringify(name)}`);
  }
  const { debounceMs, pollIntervalMs } = given;
  if (debounceMs !== undefined && !(typeof debounceMs === 'number' && Number.isFinite(debounceMs) && debounceMs >= 0)) {
    problems.push('watch.debounceMs must be a number of milliseconds, 0 or more');
  }
  if (
    pollIntervalMs !== undefined &&
    !(typeof pollIntervalMs === 'number' && Number.isFinite(pollIntervalMs) && pollIntervalMs >= 1)
  ) {
    problems.push('watch.pollIntervalMs must be a number of milliseconds, 1 or more');
  }
  if (problems.length) throw new SecretsError(problems.map((message) => ({ code: 'INVALID_OPTION', message })));
  return {
    ...(debounceMs !== undefined ? { debounceMs: debounceMs as number } : {}),
    ...(pollIntervalMs !== undefined ? { pollIntervalMs: pollIntervalMs as number } : {}),
  };
}

/** A first load that can be repeated: the checked options, the raw sections read and the secrets built. */
export interface RepeatableLoad {
  readonly options: LoadSecretsOptions;
  readonly raw: RawSecrets;
  readonly secrets: Secrets;
}

/**
 * `loadSecrets`, keeping what a reload needs: the options (checked and
 * copied once) and the raw sections to compare the next read with.
 *
 * @throws SecretsError as `loadSecrets`
 */
export async function loadRepeatably(
  given: LoadSecretsOptions,
  alsoSuggest: readonly string[] = ['watch'],
): Promise<RepeatableLoad> {
  const options = snapshotOptions(given, alsoSuggest);
  const raw = await loadRawSecrets({ ...options, env: options.env ?? process.env });
  return { options, raw, secrets: await buildSecrets(raw, options.sections ?? []) };
}

/** Where a rotation keeps the secrets it swaps. */
export interface RotationHolder {
  /**
   * Runs `next` after any other change of the secrets has finished (a
   * `forFeature` widening them, an earlier reload) and makes its result
   * current in one assignment.
   */
  update(next: (current: Secrets) => Promise<Secrets>): Promise<void>;
}

/**
 * Watches the sources `first` read and, after each change settles, reads
 * every source again and builds the current sections' DTOs; a result that
 * loads replaces the current secrets as a whole, one that does not leaves
 * them. Reloads never overlap (the watcher serialises and coalesces them).
 * `report` is called after the swap, with what happened.
 */
export function startRotation(
  first: RepeatableLoad,
  holder: RotationHolder,
  watch: SecretsWatchOptions,
  report: (change: SecretsChange) => void,
): PathWatcher {
  const { options } = first;
  let last = first.raw;
  const reload = async () => {
    let change: SecretsChange | undefined;
    await holder.update(async (current) => {
      try {
        const raw = await loadRawSecrets({ ...options, env: options.env ?? process.env });
        const next = await buildSecrets(raw, current.sectionClasses);
        const sections = changedSections(last.raw, raw.raw);
        if (sections.length === 0 && raw.file === last.file && raw.encrypted === last.encrypted) return current;
        last = raw;
        change = { type: 'applied', sections };
        return next.retainMasking(current);
      } catch (error) {
        change = { type: 'failed', error: asSecretsError(error) };
        return current;
      }
    });
    if (change) report(change);
  };
  return watchPaths(watchTargets(first.raw), reload, watch);
}

/** Every stage throws `SecretsError`; anything else is named, never quoted (its message may hold input). */
function asSecretsError(error: unknown): SecretsError {
  if (error instanceof SecretsError) return error;
  return new SecretsError([
    { code: 'FILE_UNREADABLE', message: `reading the secrets again failed with ${errorName(error)}` },
  ]);
}

/** Options of {@link watchSecrets}: every `loadSecrets` option, plus `watch`. */
export interface WatchSecretsOptions extends LoadSecretsOptions {
  /** How to watch. Default `{}`: file system events, 100 ms debounce. */
  watch?: SecretsWatchOptions;
}

/** The live secrets of {@link watchSecrets}. */
export interface WatchedSecrets {
  /** The current secrets: replaced as a whole by each applied update; read it anew each time. */
  readonly current: Secrets;
  /** Each update's outcome (see {@link SecretsChange}); completes on `close()`. */
  readonly changes: Observable<SecretsChange>;
  /** `current.mask(text)`: every value of the current secrets masked (see `Secrets.mask`). */
  mask(text: string): string;
  /** Stops watching (idempotent) and completes `changes`. */
  close(): void;
}

/**
 * `loadSecrets` that follows the sources: loads once (as `loadSecrets`),
 * then watches every file it read (for a Kubernetes volume the directory
 * and its `..data` swap), reads every source again after a change settles,
 * and swaps `current` for the new secrets when they load and validate.
 * An update that fails keeps the last good secrets and is reported on
 * `changes` (and to `onChange`) as `{ type: 'failed', error }`; nothing is
 * logged. The watcher does not keep the process alive by itself (a server
 * does); `close()` it when done.
 *
 * @param onChange also called with each {@link SecretsChange}, after `current` changed.
 * @returns once the first load has succeeded
 * @throws SecretsError as `loadSecrets` when the first load fails, and
 *   `INVALID_OPTION` for a bad `watch`
 * @example
 * const secrets = await watchSecrets({ sections: [ApiSecrets] }, (change) => {
 *   if (change.type === 'failed') console.error(change.error.message);
 *   else if (change.sections.includes('api')) client = makeClient(secrets.current.section(ApiSecrets));
 * });
 * // … on shutdown:
 * secrets.close();
 */
export async function watchSecrets(
  options: WatchSecretsOptions = {},
  onChange?: (change: SecretsChange) => void,
): Promise<WatchedSecrets> {
  const { watch, ...loadOptions } = options ?? {};
  const watchOptions = resolveWatchOption(watch ?? true);
  if (!watchOptions) {
    throw new SecretsError([
      { code: 'INVALID_OPTION', message: 'watch: watchSecrets always watches; use loadSecrets to load once' },
    ]);
  }
  const first = await loadRepeatably(loadOptions);
  let current = first.secrets;
  let queue: Promise<unknown> = Promise.resolve();
  // Required here, not imported: the loader-only entry (`nestjs-ini-secrets/core`) loads no rxjs until a watch starts.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Subject } = require('rxjs') as typeof import('rxjs');
  const changes = new Subject<SecretsChange>();
  let closed = false;
  const watcher = startRotation(
    first,
    {
      update(next) {
        const run = queue.then(async () => {
          current = await next(current);
        });
        queue = run.catch(() => undefined);
        return run;
      },
    },
    watchOptions,
    (change) => {
      // A reload that was under way when close() was called reports nothing.
      if (closed) return;
      changes.next(change);
      onChange?.(change);
    },
  );
  return {
    get current() {
      return current;
    },
    changes: changes.asObservable(),
    mask: (text) => current.mask(text),
    close() {
      closed = true;
      watcher.close();
      changes.complete();
    },
  };
}
