/**
 * One measuring process, started by run.mjs with the repository root as cwd:
 *   node bench/worker.mjs '<json task>'
 * Prints one JSON line with the raw samples (milliseconds) or memory figures.
 *
 * Tasks:
 * - `load`: (a) every loader in one process, interleaved round by round in a
 *   rotating order (no forced GC between runs: a full GC throws away V8's
 *   type feedback and made every competitor 4–5× slower, a half-cold path);
 * - `app`: (b) the same for `NestFactory.createApplicationContext` to ready;
 * - `memory`: one competitor alone, for its peak RSS: (a) three loads, or
 *   (b) one cold application start, timed from before the package import
 *   and from the process start.
 */
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { appModuleClass, makeCompetitors, verify } from './lib/competitors.mjs';
import { makeSpec } from './lib/data.mjs';
import { checkSingleCopies, nestCore, useMapContainer } from './lib/shared.mjs';
import { isStable } from './lib/stats.mjs';

const task = JSON.parse(process.argv[2]);
const spec = makeSpec(task.size);
if (!task.defaultContainer) useMapContainer();

// The variables the files reference, and nothing else of ours; @nestjs/config
// writes every key of its file into process.env, so it is restored after each run.
for (const name of Object.keys(process.env)) if (name.startsWith('BENCH_')) delete process.env[name];
Object.assign(process.env, spec.env);
const snapshot = { ...process.env };
function restoreEnv() {
  for (const name of Object.keys(process.env)) if (!(name in snapshot)) delete process.env[name];
  for (const [name, value] of Object.entries(snapshot)) if (process.env[name] !== value) process.env[name] = value;
}

const maxRssMiB = () => process.resourceUsage().maxRSS / 1024;

async function startApp(competitor) {
  const AppModule = appModuleClass(competitor);
  return nestCore.NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
}

/**
 * Runs `once(name)` for each name per round, rotating the order. After
 * `minRounds`, stops once every name's median and its per-round ratio to the
 * first name are known to ±`tolerance` (95%); otherwise once `budgetMs` is
 * spent and at least `budgetRounds` (default `minRounds`) were measured; at
 * the latest after `maxRounds`.
 */
async function interleave(names, once, { warmup, minRounds, maxRounds, budgetMs, budgetRounds, tolerance = 0.05 }) {
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  const base = samples[names[0]];
  const stable = () =>
    names.every(
      (name) =>
        isStable(samples[name], tolerance) &&
        isStable(
          samples[name].map((ms, i) => ms / base[i]),
          tolerance,
        ),
    );
  let started = performance.now();
  for (let round = 0; round < warmup + maxRounds; round++) {
    if (round === warmup) started = performance.now();
    const measured = round - warmup;
    if (measured >= minRounds && stable()) break;
    if (measured >= Math.max(minRounds, budgetRounds ?? 0) && performance.now() - started > budgetMs) break;
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length];
      const ms = await once(name, round === 0);
      if (measured >= 0) samples[name].push(ms);
    }
  }
  return samples;
}

async function run() {
  checkSingleCopies();
  if (task.kind === 'load') {
    const competitors = await makeCompetitors(task.names, { spec, dir: task.dir });
    const samples = await interleave(
      task.names,
      async (name, first) => {
        const t0 = performance.now();
        const loaded = await competitors[name].load();
        const ms = performance.now() - t0;
        restoreEnv();
        if (first) verify(name, spec, loaded);
        return ms;
      },
      task,
    );
    return { samples };
  }
  if (task.kind === 'app') {
    const competitors = await makeCompetitors(task.names, { spec, dir: task.dir });
    const samples = await interleave(
      task.names,
      async (name, first) => {
        const t0 = performance.now();
        const app = await startApp(competitors[name]);
        const ms = performance.now() - t0;
        if (first) verify(name, spec, competitors[name].fromApp(app));
        await app.close();
        restoreEnv();
        return ms;
      },
      task,
    );
    return { samples };
  }
  if (task.kind === 'memory') {
    const [name] = task.names;
    const t0 = performance.now();
    const competitors = await makeCompetitors(task.names, { spec, dir: task.dir });
    const before = maxRssMiB();
    if (task.phase === 'load') {
      for (let i = 0; i < 3; i++) {
        const loaded = await competitors[name].load();
        if (i === 0) verify(name, spec, loaded);
        restoreEnv();
      }
      return { before, peak: maxRssMiB() };
    }
    const app = await startApp(competitors[name]);
    const coldMs = performance.now() - t0;
    // performance.now() counts from the process start: Node and Nest boot included.
    const processMs = performance.now();
    const peak = maxRssMiB();
    verify(name, spec, competitors[name].fromApp(app));
    await app.close();
    return { before, peak, coldMs, processMs };
  }
  throw new Error(`unknown task kind ${task.kind}`);
}

process.stdout.write(JSON.stringify(await run()) + '\n');
