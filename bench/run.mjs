/**
 * `npm run bench`: nestjs-ini-secrets against the raw libraries (floor),
 * @nestjs/config and nest-typed-config, side by side. See README, "Performance".
 *
 *   node bench/run.mjs [--quick] [--default-container]
 *
 * Generates the inputs into a temporary directory, runs every measurement in
 * a child process (bench/worker.mjs, repository root as cwd, one at a time so
 * that they do not compete for the two cores), prints Markdown tables and
 * writes the raw samples to bench/node_modules/.cache/bench/ (never committed,
 * never linted, gone with the next `npm ci`).
 *
 * --quick              fewer rounds (a smoke test, not numbers to publish)
 * --default-container  keep class-validator's default container (see lib/shared.mjs)
 */
import { execFileSync } from 'node:child_process';
import console from 'node:console';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { APPS, LABELS, LOADERS } from './lib/competitors.mjs';
import { iniFile, SIZES, writeFixtures } from './lib/data.mjs';
import { benchDir, repoRoot } from './lib/shared.mjs';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const defaultContainer = args.has('--default-container');

/** Per size: warm-up rounds, minimum measured rounds, time after which no new round starts. */
const LOAD_PLAN = {
  400: { warmup: 20, minRounds: 30, budgetMs: 10000 },
  2000: { warmup: 2, minRounds: 12, budgetMs: 6000 },
  8000: { warmup: 3, minRounds: 9, budgetMs: 12000 },
  20000: { warmup: 2, minRounds: 7, budgetMs: 15000 },
};
const APP_SIZES = [400, 2000];
const APP_PLAN = {
  400: { warmup: 20, minRounds: 30, budgetMs: 8000 },
  2000: { warmup: 2, minRounds: 8, budgetMs: 5000 },
};
/**
 * Largest size each competitor runs at in (a), when not all: @nestjs/config's
 * variable expansion is quadratic (dotenv-expand copies every earlier
 * variable for each value): about 2 s at 2,000 keys, 2 minutes at 20,000.
 */
const MAX_SIZE = { nestConfig: 2000 };
const MEMORY_SIZES = [400, 20000];
const COLD_STARTS = { 400: 5, 2000: 3 };

function worker(task) {
  const out = execFileSync(
    process.execPath,
    [path.join(benchDir, 'worker.mjs'), JSON.stringify({ ...task, defaultContainer })],
    { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(out.trim().split('\n').pop());
}

function quantile(sorted, q) {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, median: quantile(sorted, 0.5), p25: quantile(sorted, 0.25), p75: quantile(sorted, 0.75) };
}

const ms = (value) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const ratio = (value) => (value === undefined ? '' : `${value.toFixed(2)}×`);
const keys = (size) => size.toLocaleString('en-US');
const row = (cells) => `| ${cells.join(' | ')} |`;

function progress(message) {
  process.stderr.write(`bench: ${message}\n`);
}

const started = Date.now();
if (!existsSync(path.join(repoRoot, 'dist', 'index.js'))) {
  console.error('bench: dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const dir = mkdtempSync(path.join(os.tmpdir(), 'nestjs-ini-secrets-bench-'));
const results = {
  node: process.version,
  platform: `${os.type()} ${os.arch()}`,
  cpus: os.cpus().length,
  quick,
  defaultContainer,
};
try {
  const fileSizes = {};
  for (const size of SIZES) {
    writeFixtures(dir, size);
    fileSizes[size] = statSync(iniFile(dir, size)).size;
  }

  // (a) load and validate the file alone
  const load = {};
  let previous;
  for (const size of SIZES) {
    const names = LOADERS.filter((name) => size <= (MAX_SIZE[name] ?? Infinity));
    const plan = quick ? { warmup: 2, minRounds: 3, budgetMs: 0 } : LOAD_PLAN[size];
    progress(`(a) ${keys(size)} keys: ${names.join(', ')}`);
    const { samples } = worker({ kind: 'load', size, dir, names, maxRounds: 500, ...plan });
    load[size] = Object.fromEntries(names.map((name) => [name, { ...stats(samples[name]), samples: samples[name] }]));
    for (const name of LOADERS) {
      // `skipped`: the last size it ran at.
      if (!names.includes(name)) load[size][name] = { skipped: load[previous][name].skipped ?? previous };
    }
    previous = size;
  }
  for (const size of MEMORY_SIZES) {
    for (const name of LOADERS) {
      if (load[size][name].skipped) continue;
      progress(`(a) memory, ${keys(size)} keys: ${name}`);
      load[size][name].memory = worker({ kind: 'memory', phase: 'load', size, dir, names: [name] });
    }
  }

  // (b) NestFactory.createApplicationContext to ready
  const app = {};
  for (const size of APP_SIZES) {
    const plan = quick ? { warmup: 2, minRounds: 3, budgetMs: 0 } : APP_PLAN[size];
    progress(`(b) ${keys(size)} keys: ${APPS.join(', ')}`);
    const { samples } = worker({ kind: 'app', size, dir, names: APPS, maxRounds: 500, ...plan });
    app[size] = Object.fromEntries(APPS.map((name) => [name, { ...stats(samples[name]), samples: samples[name] }]));
    // Cold starts, one process each, interleaved: package import + DTO classes + app, and peak RSS.
    const cold = Object.fromEntries(APPS.map((name) => [name, []]));
    const starts = quick ? 1 : COLD_STARTS[size];
    for (let i = 0; i < starts; i++) {
      for (const name of APPS) {
        progress(`(b) cold start ${i + 1}/${starts}, ${keys(size)} keys: ${name}`);
        cold[name].push(worker({ kind: 'memory', phase: 'app', size, dir, names: [name] }));
      }
    }
    for (const name of APPS) {
      app[size][name].cold = stats(cold[name].map((c) => c.coldMs));
      app[size][name].process = stats(cold[name].map((c) => c.processMs));
      app[size][name].peakRss = Math.max(...cold[name].map((c) => c.peak));
    }
  }

  // Tables
  const lines = [];
  lines.push(
    `Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}, ${os.type()} ${os.arch()}` +
      (quick ? ' — QUICK RUN, not for publishing' : '') +
      (defaultContainer ? " — class-validator's default container" : ''),
    '',
    '(a) Load and validate the file alone (median of interleaved runs; p25–p75 in brackets)',
    '',
    row(['keys (file size)', 'competitor', 'median ms', 'p25–p75 ms', 'runs', '× floor', 'µs per key', 'peak RSS MiB']),
    row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:']),
  );
  for (const size of SIZES) {
    const floor = load[size].floor;
    for (const name of LOADERS) {
      const r = load[size][name];
      const label = `${keys(size)} (${(fileSizes[size] / 1024).toFixed(0)} KiB)`;
      if (r.skipped) {
        const before = load[r.skipped][name];
        lines.push(
          row([
            label,
            LABELS[name],
            `not run (${ms(before.median)} ms at ${keys(r.skipped)} keys)`,
            '',
            '',
            '',
            '',
            '',
          ]),
        );
        continue;
      }
      lines.push(
        row([
          label,
          LABELS[name],
          ms(r.median),
          `${ms(r.p25)}–${ms(r.p75)}`,
          String(r.n),
          ratio(r.median / floor.median),
          ((r.median * 1000) / size).toFixed(2),
          r.memory ? r.memory.peak.toFixed(0) : '',
        ]),
      );
    }
  }
  lines.push(
    '',
    '(b) `NestFactory.createApplicationContext` to ready (warm: median of interleaved runs in one process; cold: a fresh process, package import included)',
    '',
    row([
      'keys',
      'module',
      'warm median ms',
      'p25–p75 ms',
      'runs',
      '× baseline',
      'cold ms',
      '× baseline',
      'process start → ready ms',
      '× baseline',
      'peak RSS MiB',
    ]),
    row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  );
  for (const size of APP_SIZES) {
    const base = app[size].baseline;
    for (const name of APPS) {
      const r = app[size][name];
      lines.push(
        row([
          keys(size),
          LABELS[name],
          ms(r.median),
          `${ms(r.p25)}–${ms(r.p75)}`,
          String(r.n),
          ratio(r.median / base.median),
          ms(r.cold.median),
          ratio(r.cold.median / base.cold.median),
          ms(r.process.median),
          ratio(r.process.median / base.process.median),
          r.peakRss.toFixed(0),
        ]),
      );
    }
  }

  // (c) age: what decrypting a 64 KiB file adds
  progress('(c) age decrypt of a 64 KiB file');
  const ageOut = execFileSync(process.execPath, [path.join(benchDir, 'age.mjs'), ...(quick ? ['--quick'] : [])], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ageResult = JSON.parse(ageOut.trim().split('\n').pop());
  const ageStats = Object.fromEntries(Object.entries(ageResult.samples).map(([name, list]) => [name, stats(list)]));
  const AGE_LABELS = {
    plaintext: '`loadSecrets` of the plaintext file',
    encrypted: '`loadSecrets` of the `.age` file (identity option)',
    decryptOnly: 'age-encryption `Decrypter` alone (armored)',
  };
  lines.push(
    '',
    `(c) age: a ${(ageResult.bytes / 1024).toFixed(0)} KiB secrets file (${(ageResult.ciphertextBytes / 1024).toFixed(0)} KiB armored), one X25519 recipient, no DTOs`,
    '',
    row(['load', 'median ms', 'p25–p75 ms', 'runs', '× plaintext']),
    row(['---', '---:', '---:', '---:', '---:']),
    ...Object.entries(ageStats).map(([name, r]) =>
      row([
        AGE_LABELS[name],
        ms(r.median),
        `${ms(r.p25)}–${ms(r.p75)}`,
        String(r.n),
        ratio(r.median / ageStats.plaintext.median),
      ]),
    ),
  );
  results.age = ageResult;

  // Masking: each sub-bench prints its own Markdown table and target
  for (const [title, script] of [
    ['(d) masking', 'mask.mjs'],
    ['(e) SecretsLogger per log line', 'logger.mjs'],
    ['(f) exec --mask throughput', 'exec-mask.mjs'],
    ['(g) a 1 MiB list value', 'long-value.mjs'],
    ['(h) rotation: swap to section()', 'rotation.mjs'],
  ]) {
    progress(title);
    lines.push(
      '',
      execFileSync(process.execPath, [path.join(benchDir, script), ...(quick ? ['--quick'] : [])], {
        cwd: repoRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }).trimEnd(),
    );
  }

  // Targets (reported, never failed on)
  const small = SIZES[0];
  const large = SIZES[SIZES.length - 1];
  const perKey = (name, size) => load[size][name].median / size;
  const verdict = (ok) => (ok ? 'met' : 'NOT met');
  const ours400 = load[small].ours.median / load[small].floor.median;
  const faster = SIZES.filter((size) => !load[size].ours.skipped).map((size) => {
    const others = ['nestConfig', 'typedConfig'].filter((name) => !load[size][name].skipped);
    return { size, ok: others.every((name) => load[size].ours.median < load[size][name].median) };
  });
  const growth = (name) => perKey(name, large) / perKey(name, small);
  const firstApp = app[APP_SIZES[0]];
  const appRatio = firstApp.ours.median / firstApp.baseline.median;
  const coldRatio = firstApp.ours.cold.median / firstApp.baseline.cold.median;
  const processRatio = firstApp.ours.process.median / firstApp.baseline.process.median;
  lines.push(
    '',
    'Targets',
    '',
    `- (a) ≤ 1.25× the floor at ${keys(small)} keys: ${ratio(ours400)} — ${verdict(ours400 <= 1.25)}`,
    `- (a) faster than @nestjs/config and nest-typed-config: ${faster.map((f) => `${keys(f.size)}: ${f.ok ? 'yes' : 'no'}`).join(', ')} — ${verdict(faster.every((f) => f.ok))}`,
    `- per-key time at ${keys(large)} keys ≤ 1.5× that at ${keys(small)}: ours ${ratio(growth('ours'))} — ${verdict(growth('ours') <= 1.5)}` +
      ` (without DTOs ${ratio(growth('oursNoDtos'))}; floor ${ratio(growth('floor'))})`,
    `- (b) ≤ 1.2× the \`useValue\` baseline at ${keys(APP_SIZES[0])} keys: warm ${ratio(appRatio)} — ${verdict(appRatio <= 1.2)}` +
      ` (cold ${ratio(coldRatio)}; process start → ready ${ratio(processRatio)})`,
    '',
    `(${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  const text = lines.join('\n');
  console.log(text);

  const out = path.join(benchDir, 'node_modules', '.cache', 'bench');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'latest.json'), JSON.stringify({ ...results, fileSizes, load, app }, null, 1));
  writeFileSync(path.join(out, 'latest.md'), text + '\n');
  progress(`raw samples in ${path.relative(process.cwd(), path.join(out, 'latest.json'))}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
