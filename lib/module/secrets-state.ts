import { Subject } from 'rxjs';
import type { Secrets, SecretsClass } from '../load-secrets';
import type { PathWatcher } from '../sources/watch';
import type { RotationHolder, SecretsChange } from '../watch-secrets';

/**
 * The application's loaded secrets. `forRoot` loads them; each `forFeature`
 * validates its own sections against the same values and widens `current`,
 * so `SecretsService.section()` sees every section of the application. With
 * `watch`, each applied update replaces `current` as a whole (one
 * assignment: a reader sees the old secrets or the new, never a mix).
 */
export class SecretsState implements RotationHolder {
  // forFeature factories and reloads may run concurrently: change `current`
  // one at a time so that no feature's sections and no update are lost.
  private queue: Promise<unknown> = Promise.resolve();
  private watcher: PathWatcher | undefined;
  private closed = false;
  /** Each update's outcome; completes on {@link SecretsState.close}. */
  readonly changes = new Subject<SecretsChange>();

  constructor(public current: Secrets) {}

  add(sections: readonly SecretsClass[]): Promise<void> {
    return this.update((current) => current.withSections(sections));
  }

  update(next: (current: Secrets) => Promise<Secrets>): Promise<void> {
    const run = this.queue.then(async () => {
      this.current = await next(this.current);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Keeps `watcher` to close it with the application. */
  watch(watcher: PathWatcher): void {
    if (this.closed) watcher.close();
    else this.watcher = watcher;
  }

  /** Reports an update's outcome, unless the application is closing. */
  report(change: SecretsChange): void {
    if (!this.closed) this.changes.next(change);
  }

  /** Stops watching and completes `changes` (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
    this.changes.complete();
  }
}

/**
 * The application's state, or the error that explains its absence: a
 * forFeature module (or SecretsService) in an application without forRoot.
 */
export function requireState(state: SecretsState | undefined): SecretsState {
  if (!state) {
    throw new Error(
      'SecretsModule.forFeature() needs SecretsModule.forRoot() in the application: import forRoot once, in the root module',
    );
  }
  return state;
}
