/**
 * The targets of issue #15 and the earlier ones, checked against one run's
 * results (reported, never failed on): a Markdown list, printed by run.mjs
 * and written into README by readme.mjs.
 */
import { keys, ratio } from './tables.mjs';

const verdict = (ok) => (ok ? 'met' : 'NOT met');

/** CLI rows and their limit, × `node -e 0` paired, clean environment. */
const CLI_LIMITS = [
  ['exec', 2],
  ['keys', 2],
  ['hookEmpty', 2],
  ['hookStaged', 2],
  ['help', 2],
  ['checkCore', 6],
];

function cliTargets(cli) {
  const byId = Object.fromEntries(cli.rows.map((r) => [r.id, r]));
  const limits = CLI_LIMITS.map(([id, limit]) => {
    const r = byId[id];
    const target = `- CLI ${r.label} ≤ ${limit}× \`node -e 0\`: `;
    if (r.skipped) return `${target}(${r.skipped})`;
    return (
      `${target}${ratio(r.ratio.median)} (p25–p75 ${ratio(r.ratio.p25)}–${ratio(r.ratio.p75)}) — ` +
      verdict(r.ratio.median <= limit)
    );
  });
  const versus = byId.exec.median / byId.dotenvx.median;
  return [
    ...limits,
    `- CLI ${byId.exec.label} ahead of ${byId.dotenvx.label}: ${ratio(versus)} its time — ${verdict(versus < 1)}`,
  ];
}

function loadTargets(load) {
  const sizes = Object.keys(load).map(Number);
  const small = sizes[0];
  const large = sizes[sizes.length - 1];
  const perKey = (name, size) => load[size][name].median / size;
  const growth = (name) => perKey(name, large) / perKey(name, small);
  const ours = load[small].ours.paired;
  const faster = sizes.map((size) => {
    const others = ['nestConfig', 'typedConfig'].filter((name) => !load[size][name].skipped);
    return { size, ok: others.every((name) => load[size].ours.median < load[size][name].median) };
  });
  return [
    `- (a) ≤ 1.25× the floor at ${keys(small)} keys: ${ratio(ours.median)} paired ` +
      `(p25–p75 ${ratio(ours.p25)}–${ratio(ours.p75)}, ${load[small].ours.n} runs) — ${verdict(ours.median <= 1.25)}`,
    `- (a) faster than @nestjs/config and nest-typed-config: ` +
      `${faster.map((f) => `${keys(f.size)}: ${f.ok ? 'yes' : 'no'}`).join(', ')} — ${verdict(faster.every((f) => f.ok))}`,
    `- (a) per-key time at ${keys(large)} keys ≤ 1.5× that at ${keys(small)}: ours ${ratio(growth('ours'))} — ` +
      `${verdict(growth('ours') <= 1.5)} (without DTOs ${ratio(growth('oursNoDtos'))}; floor ${ratio(growth('floor'))})`,
  ];
}

function appTargets(app) {
  const size = Object.keys(app)[0];
  const first = app[size];
  const warm = first.ours.median / first.baseline.median;
  return [
    `- (b) ≤ 1.2× the \`useValue\` baseline at ${keys(Number(size))} keys: warm ${ratio(warm)} — ${verdict(warm <= 1.2)}` +
      ` (cold ${ratio(first.ours.cold.median / first.baseline.cold.median)}; process start → ready ` +
      `${ratio(first.ours.process.median / first.baseline.process.median)})`,
  ];
}

/** The targets the run's parts measured, one Markdown list item per line ('' when none). */
export function targetList(results) {
  const list = [
    ...(results.cli ? cliTargets(results.cli) : []),
    ...(results.load ? loadTargets(results.load) : []),
    ...(results.app ? appTargets(results.app) : []),
  ];
  // A quick run's few rounds cannot decide a target: its verdicts are marked as a hint only.
  return (results.quick ? list.map((line) => `${line} (quick run: indicative only)`) : list).join('\n');
}
