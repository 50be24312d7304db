/**
 * The CLI start-up table: whole-process times of `nest-secrets` commands
 * against bare `node -e 0` and `dotenvx run -- true`, in a clean environment
 * (see processes.mjs), paired by round.
 */
import process from 'node:process';
import { ENVIRONMENT } from './cli-fixtures.mjs';
import { measureProcesses } from './processes.mjs';
import { pairedRatio, relativeHalfWidth, stats } from './stats.mjs';

/** The rows, in table order; the first is the baseline. */
function commands(fx) {
  const node = process.execPath;
  const rows = [
    { id: 'node', label: '`node -e 0`', argv: [node, '-e', '0'], cwd: fx.work },
    { id: 'exec', label: '`nest-secrets exec -- true`', argv: [node, fx.cli, 'exec', '-e', ENVIRONMENT, '--', 'true'] },
    { id: 'keys', label: '`nest-secrets keys`', argv: [node, fx.cli, 'keys', '-e', ENVIRONMENT] },
    { id: 'hookEmpty', label: '`nest-secrets hook run`, nothing staged', argv: [node, fx.cli, 'hook', 'run'] },
    {
      id: 'hookStaged',
      label: '`nest-secrets hook run`, 3 files staged',
      argv: [node, fx.cli, 'hook', 'run'],
      cwd: fx.staged,
    },
    {
      id: 'checkCore',
      label: '`nest-secrets check`, DTOs import `nestjs-ini-secrets/core`',
      argv: [node, fx.cli, 'check', '-e', ENVIRONMENT, '--sections', 'secrets-core.js'],
      skip: fx.coreBuilt ? undefined : 'entry not built',
    },
    {
      id: 'checkRoot',
      label: '`nest-secrets check`, DTOs import `nestjs-ini-secrets`',
      argv: [node, fx.cli, 'check', '-e', ENVIRONMENT, '--sections', 'secrets-root.js'],
    },
    { id: 'help', label: '`nest-secrets --help`', argv: [node, fx.cli, '--help'] },
    {
      id: 'dotenvx',
      label: '`dotenvx run -- true` (its bin, same values in `.env`)',
      argv: [node, fx.dotenvx, 'run', '--', 'true'],
    },
  ];
  return rows.map((row) => ({ cwd: fx.work, ...row }));
}

/** Per-row summary: time stats, paired ratio to `node -e 0`, CI half-widths; or `{ skipped }`. */
function summarize(all, measured) {
  return all.map(({ id, label, skip }) => {
    if (skip) return { id, label, skipped: skip };
    const samples = measured.samples[id];
    const ratio = pairedRatio(samples, measured.samples.node);
    return {
      id,
      label,
      ...stats(samples),
      ci: relativeHalfWidth(samples),
      ratio: { median: ratio.median, p25: ratio.p25, p75: ratio.p75, ci: ratio.ci },
      samples,
    };
  });
}

/**
 * Measures the CLI table with the fixtures of writeCliFixtures.
 * Returns `{ rounds, elapsedMs, stable, rows }` (times in ms).
 */
export function measureCliStartup(fx, { quick }) {
  const all = commands(fx);
  const run = all.filter((c) => !c.skip);
  const plan = quick
    ? { warmup: 1, minRounds: 5, maxRounds: 5, budgetMs: 0 }
    : { warmup: 2, minRounds: 15, maxRounds: 60, budgetMs: 35000 };
  const measured = measureProcesses(run, plan);
  return {
    rounds: measured.rounds,
    elapsedMs: measured.elapsedMs,
    stable: measured.stable,
    rows: summarize(all, measured),
  };
}
