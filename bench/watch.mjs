/**
 * (w) Rotation: time from a completed Kubernetes `..data` swap (the kubelet's
 * atomic writer, test/helpers/atomic-writer.ts, transpiled) to the
 * `watchPaths` callback, by events and by polling; and the CPU an idle watch
 * costs. Prints a Markdown section (table) to stdout. Needs `npm run build`.
 *
 *   node bench/watch.mjs [--quick]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { atomicWriter, percentile, rootRequire } from './lib/shared.mjs';

const quick = process.argv.includes('--quick');
const { watchPaths } = rootRequire('./dist/sources/watch.js');
const { readSecretsDirectory } = rootRequire('./dist/sources/secrets-directory.js');

// One atomic writer for tests and bench: the test helper.
const { atomicWrite } = atomicWriter();

const payload = (version) => {
  const files = {};
  for (let i = 0; i < 20; i++) files[`app.key_${i}`] = `value-${i}-${version}\n`;
  return files;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Swap → callback latency, `samples` times, each after the previous callback and a quiet gap. */
async function latency(options, samples) {
  const dir = mkdtempSync(path.join(tmpdir(), 'nis-bench-watch-'));
  let version = 0;
  atomicWrite(dir, payload(version), 0o400);
  let waiting;
  const watcher = watchPaths(
    [{ path: dir, kind: 'directory' }],
    async () => {
      const now = performance.now();
      // Proves the callback can read the new version; not part of the time.
      const read = await readSecretsDirectory(dir, { environment: 'test' });
      if (waiting && read.sections.get('app').get('key_0').value === `value-0-${version}`) {
        const w = waiting;
        waiting = undefined;
        w(now);
      }
    },
    { ...options, keepAlive: true },
  );
  const times = [];
  try {
    await sleep(50);
    for (let i = 0; i < samples; i++) {
      const fired = new Promise((resolve) => (waiting = resolve));
      version++;
      atomicWrite(dir, payload(version), 0o400);
      const done = performance.now();
      const at = await Promise.race([fired, sleep(10_000).then(() => NaN)]);
      if (Number.isNaN(at)) throw new Error('bench: no callback within 10 s of a swap');
      times.push(at - done);
      // A random gap: swaps at a fixed phase of the poll timer would measure that phase.
      await sleep(30 + Math.random() * (options.pollIntervalMs ?? 0));
    }
  } finally {
    watcher.close();
    rmSync(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), p95: percentile(times, 95), samples };
}

/** CPU (user + system) per second of an idle process with `watchers` armed on a 20-file volume. */
async function idleCpu(options, seconds) {
  const dir = mkdtempSync(path.join(tmpdir(), 'nis-bench-watch-'));
  atomicWrite(dir, payload(0), 0o400);
  const watcher = options
    ? watchPaths([{ path: dir, kind: 'directory' }], () => {}, { ...options, keepAlive: true })
    : undefined;
  await sleep(200);
  const before = process.cpuUsage();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const used = process.cpuUsage(before);
  const elapsed = (performance.now() - t0) / 1000;
  watcher?.close();
  rmSync(dir, { recursive: true, force: true });
  return (used.user + used.system) / elapsed;
}

const cases = [
  { name: 'events, debounceMs 100 (default)', options: {} },
  { name: 'events, debounceMs 0', options: { debounceMs: 0 } },
  { name: 'polling every 100 ms, debounceMs 0', options: { debounceMs: 0, pollIntervalMs: 100 } },
  { name: 'polling every 1000 ms, debounceMs 0', options: { debounceMs: 0, pollIntervalMs: 1000 } },
];
const rows = [];
for (const { name, options } of cases) {
  const samples = options.pollIntervalMs === 1000 ? (quick ? 5 : 20) : quick ? 20 : 100;
  rows.push({ name, ...(await latency(options, samples)) });
}
const idleSeconds = quick ? 1 : 5;
const idle = [
  { name: 'no watcher (baseline)', cpu: await idleCpu(undefined, idleSeconds) },
  { name: 'events', cpu: await idleCpu({}, idleSeconds) },
  { name: 'polling every 1000 ms', cpu: await idleCpu({ pollIntervalMs: 1000 }, idleSeconds) },
  { name: 'polling every 100 ms', cpu: await idleCpu({ pollIntervalMs: 100 }, idleSeconds) },
];

const ms = (x) => x.toFixed(2);
console.log('## Rotation: swap to callback\n');
console.log('A Kubernetes volume of 20 files, swapped by the kubelet atomic writer; time from the end of the swap to');
console.log('the `watchPaths` callback (the new version read and checked in it, outside the time).\n');
console.log('| watch | median ms | p95 ms | swaps |');
console.log('| --- | ---: | ---: | ---: |');
for (const row of rows) console.log(`| ${row.name} | ${ms(row.median)} | ${ms(row.p95)} | ${row.samples} |`);
console.log(`\nIdle cost over ${idleSeconds} s (CPU µs per second of wall time, user + system, whole process):\n`);
console.log('| watch | CPU µs/s |');
console.log('| --- | ---: |');
for (const row of idle) console.log(`| ${row.name} | ${row.cpu.toFixed(0)} |`);
