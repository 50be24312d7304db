/**
 * The import table: what `require`-ing an entry of the package costs a
 * fresh process (a Node script, a serverless function, a DTO file): the
 * package root against the loader-only entry `nestjs-ini-secrets/core`,
 * with class-validator + class-transformer alone as a reference. Each row is
 * a `node -e` script in the fixture app (clean environment, see
 * processes.mjs) that times its own `require` and reports its peak RSS.
 */
import process from 'node:process';
import { measureProcesses } from './processes.mjs';
import { pairedRatio, stats } from './stats.mjs';

function script(specifiers) {
  return [
    "const { performance } = require('node:perf_hooks');",
    'const t0 = performance.now();',
    ...specifiers.map((s) => `require(${JSON.stringify(s)});`),
    'const ms = performance.now() - t0;',
    'process.stdout.write(JSON.stringify({ ms, rssMiB: process.resourceUsage().maxRSS / 1024 }));',
  ].join('\n');
}

function commands(fx) {
  const rows = [
    { id: 'node', label: '`node -e 0` (nothing imported)', specifiers: [] },
    { id: 'root', label: "`require('nestjs-ini-secrets')`", specifiers: ['nestjs-ini-secrets'] },
    {
      id: 'core',
      label: "`require('nestjs-ini-secrets/core')`",
      specifiers: ['nestjs-ini-secrets/core'],
      skip: fx.coreBuilt ? undefined : 'entry not built',
    },
    {
      id: 'peers',
      label: 'reference: reflect-metadata + class-validator + class-transformer alone',
      specifiers: ['reflect-metadata', 'class-validator', 'class-transformer'],
    },
  ];
  return rows.map((row) => ({ ...row, cwd: fx.work, argv: [process.execPath, '-e', script(row.specifiers)] }));
}

/**
 * Measures the import table. Returns `{ rounds, elapsedMs, stable, rows }`; per
 * row: `importMs` (the `require` calls, in-process), `processMs`, `netMs`
 * (process time minus the same round's `node -e 0`), `ratio` to `node -e 0`,
 * `rssMiB` (peak RSS) — each `{ n, median, p25, p75 }` — or `{ skipped }`.
 */
export function measureImports(fx, { quick }) {
  const all = commands(fx);
  const plan = quick
    ? { warmup: 1, minRounds: 5, maxRounds: 5, budgetMs: 0 }
    : { warmup: 2, minRounds: 15, maxRounds: 40, budgetMs: 15000 };
  const measured = measureProcesses(
    all.filter((c) => !c.skip),
    plan,
  );
  const base = measured.samples.node;
  const rows = all.map(({ id, label, skip }) => {
    if (skip) return { id, label, skipped: skip };
    const samples = measured.samples[id];
    const reports = measured.outputs[id].map((out) => JSON.parse(out));
    const ratio = pairedRatio(samples, base);
    return {
      id,
      label,
      importMs: stats(reports.map((r) => r.ms)),
      processMs: stats(samples),
      netMs: stats(samples.map((ms, i) => ms - base[i])),
      ratio: { median: ratio.median, p25: ratio.p25, p75: ratio.p75, ci: ratio.ci },
      rssMiB: stats(reports.map((r) => r.rssMiB)),
    };
  });
  return { rounds: measured.rounds, elapsedMs: measured.elapsedMs, stable: measured.stable, rows };
}
