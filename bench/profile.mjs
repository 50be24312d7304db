/**
 * Repeats one or more loaders of (a) in a loop, for `node --cpu-prof`:
 *
 *   node --cpu-prof --cpu-prof-dir=prof bench/profile.mjs 400 ours,floor 500
 *   node bench/profile-summary.mjs prof/*.cpuprofile
 *
 * Arguments: keys (400, 2000, 8000, 20000), competitors (see LOADERS in
 * lib/competitors.mjs), rounds. Prints each one's median.
 */
import console from 'node:console';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { makeCompetitors } from './lib/competitors.mjs';
import { writeFixtures } from './lib/data.mjs';
import { checkSingleCopies, useMapContainer } from './lib/shared.mjs';

const [size = '400', list = 'ours', rounds = '300'] = process.argv.slice(2);
const names = list.split(',');
const dir = mkdtempSync(path.join(os.tmpdir(), 'nestjs-ini-secrets-profile-'));
try {
  checkSingleCopies();
  useMapContainer();
  const spec = writeFixtures(dir, Number(size));
  Object.assign(process.env, spec.env);
  const snapshot = new Set(Object.keys(process.env));
  const competitors = await makeCompetitors(names, { spec, dir });
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < Number(rounds); round++) {
    for (const name of names) {
      const t0 = performance.now();
      await competitors[name].load();
      samples[name].push(performance.now() - t0);
      for (const key of Object.keys(process.env)) if (!snapshot.has(key)) delete process.env[key];
    }
  }
  for (const name of names) {
    const sorted = samples[name].slice(Math.floor(samples[name].length / 4)).sort((a, b) => a - b);
    console.log(`${name}: median ${sorted[sorted.length >> 1].toFixed(3)} ms after warm-up (${size} keys)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
