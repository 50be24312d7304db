/**
 * `npm run bench`: nestjs-ini-secrets against the raw libraries (floor),
 * @nestjs/config and nest-typed-config, side by side, and the start-up of the
 * CLI and of the package's entries. See README, "Performance".
 *
 *   node bench/run.mjs [--quick] [--default-container] [--only cli,imports,load,app,age,sub]
 *
 * Generates the inputs into a temporary directory, runs every measurement in
 * a child process (bench/worker.mjs, repository root as cwd, one at a time so
 * that they do not compete for the two cores), prints Markdown tables and
 * writes the results, raw samples included, to bench/results.json (not
 * committed; a quick or partial run to bench/results.partial.json):
 * `npm run bench:readme` writes its tables into README.
 *
 * --quick              fewer rounds (a smoke test, not numbers to publish)
 * --default-container  keep class-validator's default container (see lib/shared.mjs)
 * --only <parts>       run only these parts (comma-separated); README is regenerated only from a full run
 */
import { execFileSync } from 'node:child_process';
import console from 'node:console';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { measureCliStartup } from './lib/cli-startup.mjs';
import { writeCliFixtures } from './lib/cli-fixtures.mjs';
import { APPS, LABELS, LOADERS } from './lib/competitors.mjs';
import { iniFile, SIZES, writeFixtures } from './lib/data.mjs';
import { measureImports } from './lib/imports.mjs';
import { benchDir, repoRoot } from './lib/shared.mjs';
import { pairedRatio, stats } from './lib/stats.mjs';
import { targetList } from './lib/targets.mjs';
import { ageTable, appTable, cliTable, importsTable, keys, loadTable, machineLine } from './lib/tables.mjs';

const PARTS = ['cli', 'imports', 'load', 'app', 'age', 'sub'];
const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'default-container': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const quick = flags.quick;
const defaultContainer = flags['default-container'];
const only = flags.only === undefined ? PARTS : flags.only.split(',');
for (const part of only) {
  if (!PARTS.includes(part)) {
    console.error(`bench: unknown part "${part}" in --only (one of ${PARTS.join(', ')})`);
    process.exit(2);
  }
}

/**
 * Per size: warm-up rounds, minimum measured rounds, then until every
 * competitor's median (and its ratio to the floor, per round) is known to ±5%
 * or `budgetMs` is spent with at least `budgetRounds` measured.
 */
const LOAD_PLAN = {
  400: { warmup: 20, minRounds: 30, budgetRounds: 100, budgetMs: 12000 },
  2000: { warmup: 2, minRounds: 12, budgetMs: 6000 },
  8000: { warmup: 3, minRounds: 9, budgetMs: 10000 },
  20000: { warmup: 2, minRounds: 7, budgetMs: 12000 },
};
const APP_SIZES = [400, 2000];
const APP_PLAN = {
  400: { warmup: 20, minRounds: 30, budgetMs: 8000 },
  2000: { warmup: 2, minRounds: 8, budgetMs: 5000 },
};
const QUICK_PLAN = { warmup: 2, minRounds: 3, maxRounds: 3, budgetMs: 0 };
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

function script(name) {
  return execFileSync(process.execPath, [path.join(benchDir, name), ...(quick ? ['--quick'] : [])], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function progress(message) {
  process.stderr.write(`bench: ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s  ${message}\n`);
}

/** (a) load and validate the file alone: `{ [size]: { [loader]: stats & samples & paired } }`. */
function measureLoad(dir) {
  const load = {};
  let previous;
  for (const size of SIZES) {
    const names = LOADERS.filter((name) => size <= (MAX_SIZE[name] ?? Infinity));
    progress(`(a) ${keys(size)} keys: ${names.join(', ')}`);
    const plan = quick ? QUICK_PLAN : { maxRounds: 500, ...LOAD_PLAN[size] };
    const { samples } = worker({ kind: 'load', size, dir, names, ...plan });
    load[size] = Object.fromEntries(
      names.map((name) => {
        const { samples: _ratios, ...paired } = pairedRatio(samples[name], samples.floor);
        return [name, { ...stats(samples[name]), paired, samples: samples[name] }];
      }),
    );
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
  return load;
}

/** (b) NestFactory.createApplicationContext to ready, warm and cold. */
function measureApp(dir) {
  const app = {};
  for (const size of APP_SIZES) {
    progress(`(b) ${keys(size)} keys: ${APPS.join(', ')}`);
    const plan = quick ? QUICK_PLAN : { maxRounds: 500, ...APP_PLAN[size] };
    const { samples } = worker({ kind: 'app', size, dir, names: APPS, ...plan });
    app[size] = Object.fromEntries(APPS.map((name) => [name, { ...stats(samples[name]), samples: samples[name] }]));
    // Cold starts, one process each, interleaved: package import + DTO classes + app, and peak RSS.
    const cold = Object.fromEntries(APPS.map((name) => [name, []]));
    const starts = quick ? 1 : COLD_STARTS[size];
    for (let i = 0; i < starts; i++) {
      progress(`(b) cold starts ${i + 1}/${starts}, ${keys(size)} keys`);
      for (const name of APPS) cold[name].push(worker({ kind: 'memory', phase: 'app', size, dir, names: [name] }));
    }
    for (const name of APPS) {
      app[size][name].cold = stats(cold[name].map((c) => c.coldMs));
      app[size][name].process = stats(cold[name].map((c) => c.processMs));
      app[size][name].peakRss = Math.max(...cold[name].map((c) => c.peak));
    }
  }
  return app;
}

/** (c) age: the raw samples of bench/age.mjs and their stats. */
function measureAge() {
  progress('(c) age decrypt of a 64 KiB file');
  const raw = JSON.parse(script('age.mjs').trim().split('\n').pop());
  return { ...raw, stats: Object.fromEntries(Object.entries(raw.samples).map(([name, list]) => [name, stats(list)])) };
}

/** (d)–(h): each sub-bench prints its own Markdown; kept as printed. */
const SUB_BENCHES = {
  mask: ['(d) masking', 'mask.mjs'],
  logger: ['(e) SecretsLogger per log line', 'logger.mjs'],
  execMask: ['(f) exec --mask throughput', 'exec-mask.mjs'],
  longValue: ['(g) a 1 MiB list value', 'long-value.mjs'],
  rotation: ['(h) rotation: swap to section()', 'rotation.mjs'],
};

function measureSubBenches() {
  const out = {};
  for (const [id, [title, file]] of Object.entries(SUB_BENCHES)) {
    progress(title);
    out[id] = script(file).trimEnd();
  }
  return out;
}

/** The printed report: every measured table, then the targets. */
function report(results) {
  const lines = [machineLine(results), ''];
  const section = (title, table) => lines.push(title, '', table, '');
  if (results.cli)
    section(`CLI start-up, clean environment (${results.cli.rounds} rounds, shuffled)`, cliTable(results.cli));
  if (results.imports)
    section(`Importing an entry, fresh process (${results.imports.rounds} rounds)`, importsTable(results.imports));
  if (results.load) section('(a) Load and validate the file alone', loadTable(results));
  if (results.app) section('(b) `NestFactory.createApplicationContext` to ready', appTable(results));
  if (results.age) section('(c) age: a 64 KiB secrets file, one X25519 recipient, no DTOs', ageTable(results));
  for (const text of Object.values(results.sub ?? {})) lines.push(text, '');
  const list = targetList(results);
  if (list.length > 0) lines.push('Targets', '', list, '');
  lines.push(`(${(results.elapsedMs / 1000).toFixed(0)} s)`);
  return lines.join('\n');
}

const started = Date.now();
if (!existsSync(path.join(repoRoot, 'dist', 'index.js'))) {
  console.error('bench: dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const results = {
  machine: {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.arch()}`,
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    loadAverage: os.loadavg(),
  },
  quick,
  defaultContainer,
  parts: only,
  labels: LABELS,
  loaders: LOADERS,
  phaseSeconds: {},
};
const dir = mkdtempSync(path.join(os.tmpdir(), 'nestjs-ini-secrets-bench-'));
const phase = (name, measure) => {
  const t0 = Date.now();
  results[name] = measure();
  results.phaseSeconds[name] = (Date.now() - t0) / 1000;
};
try {
  if (only.includes('cli') || only.includes('imports')) {
    const fx = writeCliFixtures(path.join(dir, 'cli'));
    if (only.includes('cli')) phase('cli', () => (progress('CLI start-up'), measureCliStartup(fx, { quick })));
    if (only.includes('imports')) phase('imports', () => (progress('imports'), measureImports(fx, { quick })));
  }
  if (only.includes('load') || only.includes('app')) {
    results.fileSizes = {};
    for (const size of SIZES) {
      writeFixtures(dir, size);
      results.fileSizes[size] = statSync(iniFile(dir, size)).size;
    }
  }
  if (only.includes('load')) phase('load', () => measureLoad(dir));
  if (only.includes('app')) phase('app', () => measureApp(dir));
  if (only.includes('age')) phase('age', measureAge);
  if (only.includes('sub')) phase('sub', measureSubBenches);
  results.elapsedMs = Date.now() - started;
  console.log(report(results));
  // A quick or partial run never replaces the last full run's results, which README is written from.
  const out = path.join(benchDir, quick || only.length < PARTS.length ? 'results.partial.json' : 'results.json');
  writeFileSync(out, JSON.stringify(results, null, 1) + '\n');
  progress(`results in ${path.relative(process.cwd(), out)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
