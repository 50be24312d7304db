import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { Secrets, SecretsClass } from '../load-secrets';
import type { EnvironmentSource } from '../sources/locate';
import type { SecretsChange } from '../watch-secrets';
import { SECRETS_STATE } from './secrets.constants';
import { requireState, type SecretsState } from './secrets-state';

/**
 * The loaded secrets, for code that needs more than one typed section:
 * the same reads as `loadSecrets`' result. Every read answers from the
 * current secrets: with `watch`, the last update that loaded and validated.
 */
@Injectable()
export class SecretsService {
  private readonly state: SecretsState;

  constructor(@Optional() @Inject(SECRETS_STATE) state: SecretsState | undefined) {
    this.state = requireState(state);
  }

  /**
   * Each update's outcome with `watch` (see {@link SecretsChange}):
   * `{ type: 'applied', sections }` after new secrets became current (the
   * names of the sections whose values changed), `{ type: 'failed', error }`
   * when an update did not load (the last good secrets stay). Never a value.
   * Completes when the application closes; without `watch`, emits nothing.
   *
   * @example
   * secrets.changes.subscribe((change) => {
   *   if (change.type === 'applied' && change.sections.includes('api')) this.client = connect(secrets.section(ApiSecrets));
   * });
   */
  get changes(): Observable<SecretsChange> {
    return this.state.changes.asObservable();
  }

  /** The current secrets as one `Secrets` (replaced as a whole by each applied update). */
  get current(): Secrets {
    return this.state.current;
  }

  /** Absolute path of the file loaded (the `.age` file when decrypted); `null` when `values` was used. */
  get file(): string | null {
    return this.state.current.file;
  }

  /** The environment name, e.g. `'production'`. */
  get environment(): string {
    return this.state.current.environment;
  }

  /** How the environment was chosen. */
  get environmentSource(): EnvironmentSource {
    return this.state.current.environmentSource;
  }

  /** Names of every section in the file, in file order. */
  get sectionNames(): string[] {
    return this.state.current.sectionNames;
  }

  /**
   * The validated, frozen instance of `dto`, typed `T` (see {@link SecretsService.optionalSection}
   * for a section declared optional).
   * @throws SecretsError `NOT_FOUND` when `dto` is neither in `forRoot` nor in a `forFeature`, or is an absent optional section.
   */
  section<T>(dto: SecretsClass<T>): T {
    return this.state.current.section(dto);
  }

  /**
   * The validated, frozen instance of `dto`, or `null` for an absent optional section.
   * @throws SecretsError `NOT_FOUND` when `dto` is neither in `forRoot` nor in a `forFeature`.
   */
  optionalSection<T>(dto: SecretsClass<T>): T | null {
    return this.state.current.optionalSection(dto);
  }

  /** Raw interpolated string at `'<section>.<key>'` (split at the last dot), or `undefined`. */
  get(path: string): string | undefined {
    return this.state.current.get(path);
  }

  /**
   * Like {@link SecretsService.get}, but throws when absent.
   * @throws SecretsError `NOT_FOUND` naming the path.
   */
  getOrThrow(path: string): string {
    return this.state.current.getOrThrow(path);
  }

  /**
   * `text` with every secret value (and its common encodings) replaced by
   * `[REDACTED]`, as `Secrets.mask` of the application's secrets,
   * `forFeature` sections included; text without any is returned as is.
   *
   * @throws TypeError when `text` is not a string.
   */
  mask(text: string): string {
    return this.state.current.mask(text);
  }

  toJSON(): object {
    return this.state.current.toJSON();
  }
}
