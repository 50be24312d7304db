/**
 * `exec --watch`: a process supervisor for commands that cannot reload
 * their secrets (as Vault Agent's and `infisical run --watch` are). The
 * command runs with the secrets as they are; when the file changes and the
 * new secrets load, it is stopped (SIGTERM, a grace period, then SIGKILL)
 * and started again with them. Secrets that fail to load never reach a
 * command: the running one keeps running.
 */
import { errorName, isPresentableName, SecretsError } from '../errors';
import type { Masker } from '../mask/masker';
import type { RawSecrets } from '../sources/raw-secrets';
import { loadLazily } from '../load-lazily';
import type { CliContext } from './context';
import { FORWARDED_SIGNALS, runChild, type ChildRun } from './exec-child';

/** Default of `--grace`: seconds between SIGTERM and SIGKILL when restarting. */
export const DEFAULT_GRACE_SECONDS = 10;

/** What a run of the command gets from a load: its variables, and its masker with `--mask`. */
export interface PreparedRun {
  readonly variables: Record<string, string>;
  readonly masker: Masker | undefined;
}

export interface SuperviseOptions {
  /** Reads the secrets again (the same load as the first). */
  load(): Promise<RawSecrets>;
  /** The run a load leads to; throws `SecretsError` when the secrets cannot be handed to a command. */
  prepare(raw: RawSecrets): PreparedRun;
  /** ms between SIGTERM and SIGKILL. */
  graceMs: number;
}

/**
 * Runs `command` with `first`'s secrets and restarts it after each change
 * that loads; resolves with its exit code once it exits by itself (or after
 * a forwarded SIGTERM), when watching stops too.
 */
export async function superviseChild(
  ctx: CliContext,
  command: string,
  args: readonly string[],
  first: { raw: RawSecrets; run: PreparedRun },
  options: SuperviseOptions,
): Promise<number> {
  // Loaded here: only `exec --watch` watches.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const [watch, targets, changed] = await Promise.all([
    loadLazily(
      () => require('../sources/watch.js') as typeof import('../sources/watch.js'),
      () => import('../sources/watch.js'),
    ),
    loadLazily(
      () => require('../sources/watch-targets.js') as typeof import('../sources/watch-targets.js'),
      () => import('../sources/watch-targets.js'),
    ),
    loadLazily(
      () => require('../sources/changed-sections.js') as typeof import('../sources/changed-sections.js'),
      () => import('../sources/changed-sections.js'),
    ),
  ]);
  /* eslint-enable @typescript-eslint/no-require-imports */
  return supervise(ctx, command, args, first, options, { ...watch, ...targets, ...changed });
}

/** The watching functions {@link supervise} uses, loaded by {@link superviseChild}. */
interface WatchFunctions {
  watchPaths: typeof import('../sources/watch.js').watchPaths;
  watchTargets: typeof import('../sources/watch-targets.js').watchTargets;
  changedSections: typeof import('../sources/changed-sections.js').changedSections;
}

function supervise(
  ctx: CliContext,
  command: string,
  args: readonly string[],
  first: { raw: RawSecrets; run: PreparedRun },
  options: SuperviseOptions,
  { watchPaths, watchTargets, changedSections }: WatchFunctions,
): Promise<number> {
  let current = first;
  let run: ChildRun;
  let restarting = false;
  // A SIGTERM (forwarded) or Ctrl-C (the terminal's, reaching the command) ends supervision:
  // a restart under way does not start the command again.
  let terminating = false;
  let done = false;
  let resolveCode!: (code: number) => void;
  const result = new Promise<number>((resolve) => (resolveCode = resolve));

  const stopForwarding = ctx.onSignals(FORWARDED_SIGNALS, (signal) => {
    if (signal === 'SIGTERM') terminating = true;
    run.kill(signal);
  });
  const stopIgnoring = ctx.onSignals(['SIGINT'], () => void (terminating = true));

  const finish = (ended: ChildRun, code: number) => {
    if (done) return;
    done = true;
    watcher.close();
    stopForwarding();
    stopIgnoring();
    void ended.finished.then(() => resolveCode(code));
  };

  const start = (prepared: PreparedRun) => {
    const started = runChild(ctx, command, args, prepared.variables, prepared.masker);
    run = started;
    void started.exited.then((code) => {
      if (run === started && !restarting) finish(started, code);
    });
  };

  const reload = async () => {
    if (done) return;
    let next: { raw: RawSecrets; run: PreparedRun };
    try {
      const raw = await options.load();
      next = { raw, run: options.prepare(raw) };
    } catch (error) {
      if (!done) {
        const why = error instanceof SecretsError ? error.message : `unexpected ${errorName(error)}`;
        ctx.stderr(`nest-secrets exec: secrets not reloaded, the command keeps running: ${why}\n`);
      }
      return;
    }
    const sections = changedSections(current.raw.raw, next.raw.raw);
    if (done || sections.length === 0) return;
    const names = sections.filter(isPresentableName);
    const hidden = sections.length - names.length;
    const listed = [...names, ...(hidden ? [`${hidden} not shown`] : [])].join(', ');
    ctx.stderr(`nest-secrets exec: secrets changed (${listed}); restarting the command\n`);
    restarting = true;
    const old = run;
    old.kill('SIGTERM');
    const kill = setTimeout(() => old.kill('SIGKILL'), options.graceMs);
    const code = await old.exited;
    clearTimeout(kill);
    await old.finished;
    restarting = false;
    if (terminating) return finish(old, code);
    current = next;
    start(next.run);
  };

  start(first.run);
  const watcher = watchPaths(watchTargets(first.raw), reload);
  return result;
}
