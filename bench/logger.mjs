/**
 * (e) SecretsLogger: what masking adds per log line to Nest's ConsoleLogger,
 * with 100 secrets loaded, for lines with and without a secret. Both loggers
 * write to a no-op `process.stdout.write`, so only formatting and masking
 * are measured. Prints a Markdown section (table and target) to stdout.
 *
 *   node bench/logger.mjs [--quick]
 */
import { randomBytes } from 'node:crypto';
import { openSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { loadOurs, nestCommon } from './lib/shared.mjs';

const { loadSecrets, SecretsLogger } = loadOurs();
const { ConsoleLogger } = nestCommon;

const quick = process.argv.includes('--quick');
const SECRETS = 100;
/** Lines per timed batch; batches of the cases are interleaved. */
const BATCH = 200;
/** Time after which no new round starts (all cases together); at least MIN_ROUNDS rounds. */
const BUDGET_MS = quick ? 1500 : 12000;
const MIN_ROUNDS = quick ? 3 : 10;

// 100 random (throw-away) secrets, 24 bytes of hex each.
const values = { bench: {} };
for (let i = 0; i < SECRETS; i++) values.bench[`key_${i}`] = randomBytes(24).toString('hex');
const secrets = await loadSecrets({ values, env: {} });
const secret = values.bench.key_42;

const LINES = {
  'without a secret': 'GET /api/users/42 200 12ms user=ada request=7d1c2b0e-5a8f-4e21-9c3b-1f0e2d3c4b5a',
  'with a secret': `GET /api/users/42 200 12ms user=ada token=${secret} request=7d1c2b0e`,
};
const CONTEXT = 'HttpLogger';
const SINKS = ['output discarded', 'written to /dev/null'];

const plain = new ConsoleLogger({ colors: false });
const masked = new SecretsLogger(secrets, new ConsoleLogger({ colors: false }));
// The wrapper's own cost: the same SecretsLogger with a masker that finds nothing.
const unmasked = new SecretsLogger({ mask: (text) => text }, new ConsoleLogger({ colors: false }));

const write = process.stdout.write;
let written = 0;
let last = '';
// Output discarded measures formatting and masking alone; written to /dev/null
// adds the write(2) that every real log line pays (ConsoleLogger writes synchronously to a file or pipe).
const devNull = openSync('/dev/null', 'w');
let toDevNull = false;
process.stdout.write = (chunk) => {
  written++;
  last = String(chunk);
  if (toDevNull) writeSync(devNull, last);
  return true;
};
let buildMs;
const samples = {};
try {
  // The first mask() call builds the masker: measured once, outside the per-line numbers.
  const t0 = performance.now();
  secrets.mask('');
  buildMs = performance.now() - t0;
  masked.log(LINES['with a secret'], CONTEXT);
  if (last.includes(secret) || !last.includes('[REDACTED]')) throw new Error('bench: SecretsLogger did not mask');

  const cases = [];
  for (const sink of SINKS) {
    const wrap = (run) => () => {
      toDevNull = sink === 'written to /dev/null';
      run();
    };
    for (const [name, line] of Object.entries(LINES)) {
      cases.push({ key: `plain ${sink} ${name}`, run: wrap(() => plain.log(line, CONTEXT)) });
      cases.push({ key: `masked ${sink} ${name}`, run: wrap(() => masked.log(line, CONTEXT)) });
      cases.push({ key: `unmasked ${sink} ${name}`, run: wrap(() => unmasked.log(line, CONTEXT)) });
    }
  }
  for (const { key } of cases) samples[key] = [];
  const started = performance.now();
  for (let round = 0; round < MIN_ROUNDS + 2 || performance.now() - started < BUDGET_MS; round++) {
    if (round >= 1000) break;
    for (const { key, run } of cases) {
      const t = performance.now();
      for (let i = 0; i < BATCH; i++) run();
      // The first two rounds warm up.
      if (round >= 2) samples[key].push(((performance.now() - t) * 1000) / BATCH);
    }
  }
} finally {
  process.stdout.write = write;
}
if (written === 0) throw new Error('bench: nothing was logged');

const median = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return (sorted[Math.floor(mid)] + sorted[Math.ceil(mid)]) / 2;
};
const us = (value) => (value >= 100 ? value.toFixed(0) : value.toFixed(2));
const lines = [
  `(e) SecretsLogger around ConsoleLogger: µs per \`log(line, context)\`, ${SECRETS} secrets loaded` +
    (quick ? ' — QUICK RUN' : ''),
  '',
  '| output | line | ConsoleLogger µs | SecretsLogger µs | × ConsoleLogger | wrapper alone µs (no-op mask) | rounds |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
];
const ratios = {};
for (const sink of SINKS) {
  ratios[sink] = [];
  for (const name of Object.keys(LINES)) {
    const base = median(samples[`plain ${sink} ${name}`]);
    const ours = median(samples[`masked ${sink} ${name}`]);
    const wrapper = median(samples[`unmasked ${sink} ${name}`]);
    ratios[sink].push(ours / base);
    lines.push(
      `| ${sink} | ${name} | ${us(base)} | ${us(ours)} | ${(ours / base).toFixed(2)}× | ${us(wrapper)} | ${samples[`plain ${sink} ${name}`].length} |`,
    );
  }
}
const worstDiscarded = Math.max(...ratios['output discarded']);
const worst = Math.max(...ratios['written to /dev/null']);
lines.push(
  '',
  `Masker built on the first \`mask()\` call: ${buildMs.toFixed(1)} ms.`,
  `- (e) ≤ 1.2× ConsoleLogger per line, each writing its line: ${worst.toFixed(2)}× — ${worst <= 1.2 ? 'met' : 'NOT met'}` +
    ` (formatting and masking alone, output discarded: ${worstDiscarded.toFixed(2)}×)`,
);
console.log(lines.join('\n'));
