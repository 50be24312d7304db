import type { Secrets, SecretsClass } from '../load-secrets';

/**
 * The application's loaded secrets. `forRoot` loads them; each `forFeature`
 * validates its own sections against the same values and widens `current`,
 * so `SecretsService.section()` sees every section of the application.
 */
export class SecretsState {
  // forFeature factories may run concurrently: widen `current` one at a time
  // so that no feature's sections are lost.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(public current: Secrets) {}

  add(sections: readonly SecretsClass[]): Promise<void> {
    const run = this.queue.then(async () => {
      this.current = await this.current.withSections(sections);
    });
    this.queue = run.catch(() => undefined);
    return run;
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
