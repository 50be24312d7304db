/**
 * (r) Rotation through the module: time from a completed Kubernetes `..data`
 * swap (the kubelet's atomic writer, test/helpers/atomic-writer.ts,
 * transpiled) of a volume holding `production-secrets.ini` to the new value
 * being visible through `SecretsService.section()` of a Nest application
 * context with `SecretsModule.forRoot({ watch })`: by events and by polling
 * every 100 ms. And the CPU an idle watching application costs. Prints a
 * Markdown section (tables) to stdout. Needs `npm run build`.
 *
 *   node bench/rotation.mjs [--quick]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { atomicWriter, cv, loadOurs, nestCommon, nestCore, percentile } from './lib/shared.mjs';

const quick = process.argv.includes('--quick');
const { SecretsModule, SecretsSection, SecretsService } = loadOurs();

// One atomic writer for tests and bench: the test helper.
const { atomicWrite } = atomicWriter();

// What tsc emits for `@IsString() @IsNotEmpty() key_<i>!: string` on `@SecretsSection('app')`.
let AppSecrets = class AppSecrets {};
for (let i = 0; i < 20; i++) {
  Reflect.decorate(
    [cv.IsString(), cv.IsNotEmpty(), Reflect.metadata('design:type', String)],
    AppSecrets.prototype,
    `key_${i}`,
    undefined,
  );
}
AppSecrets = Reflect.decorate([SecretsSection('app')], AppSecrets);

/** A 20-key INI file, every value carrying the version. */
const payload = (version) => {
  let text = '[app]\n';
  for (let i = 0; i < 20; i++) text += `key_${i} = value-${i}-${version}\n`;
  return { 'production-secrets.ini': text };
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const immediate = () => new Promise((resolve) => setImmediate(resolve));

/** An application context over the volume `dir`, with `watch` (or without, when undefined). */
async function app(dir, watch) {
  class AppModule {}
  nestCommon.Module({
    imports: [
      SecretsModule.forRoot({
        sections: [AppSecrets],
        file: path.join(dir, 'production-secrets.ini'),
        environment: 'production',
        env: {},
        logger: false,
        ...(watch ? { watch } : {}),
      }),
    ],
  })(AppModule);
  return nestCore.NestFactory.createApplicationContext(AppModule, { logger: false });
}

/** Swap → visible through section(), `samples` times, each after the previous one was visible and a quiet gap. */
async function latency(watch, samples) {
  const dir = mkdtempSync(path.join(tmpdir(), 'nis-bench-rotation-'));
  let version = 0;
  atomicWrite(dir, payload(version), 0o400);
  const context = await app(dir, watch);
  const secrets = context.get(SecretsService);
  const times = [];
  try {
    await sleep(50);
    for (let i = 0; i < samples; i++) {
      version++;
      const expected = `value-19-${version}`;
      atomicWrite(dir, payload(version), 0o400);
      const done = performance.now();
      // Looks after every turn of the event loop, as a request handler would.
      while (secrets.section(AppSecrets).key_19 !== expected) {
        if (performance.now() - done > 10_000) throw new Error('bench: new value not visible within 10 s of a swap');
        await immediate();
      }
      times.push(performance.now() - done);
      // A random gap: swaps at a fixed phase of the poll timer would measure that phase.
      await sleep(30 + Math.random() * (watch.pollIntervalMs ?? 0));
    }
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), p95: percentile(times, 95), samples };
}

/** CPU (user + system) per second of wall time of this process while an application context sits idle. */
async function idleCpu(watch, seconds) {
  const dir = mkdtempSync(path.join(tmpdir(), 'nis-bench-rotation-'));
  atomicWrite(dir, payload(0), 0o400);
  const context = watch === null ? undefined : await app(dir, watch);
  // Something must keep the process alive while nothing else does (a server would).
  const alive = setInterval(() => {}, 60_000);
  await sleep(200);
  const before = process.cpuUsage();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const used = process.cpuUsage(before);
  const elapsed = (performance.now() - t0) / 1000;
  clearInterval(alive);
  await context?.close();
  rmSync(dir, { recursive: true, force: true });
  return (used.user + used.system) / elapsed;
}

const cases = [
  { name: 'events, debounceMs 100 (`watch: true`)', watch: {} },
  { name: 'events, debounceMs 0', watch: { debounceMs: 0 } },
  { name: 'polling every 100 ms, debounceMs 100', watch: { pollIntervalMs: 100 } },
  { name: 'polling every 100 ms, debounceMs 0', watch: { debounceMs: 0, pollIntervalMs: 100 } },
];
const rows = [];
for (const { name, watch } of cases) rows.push({ name, ...(await latency(watch, quick ? 10 : 100)) });
const idleSeconds = quick ? 1 : 5;
const idle = [
  { name: 'no application (baseline)', cpu: await idleCpu(null, idleSeconds) },
  { name: 'application without watch', cpu: await idleCpu(undefined, idleSeconds) },
  { name: 'watch: true (events)', cpu: await idleCpu({}, idleSeconds) },
  { name: 'watch: { pollIntervalMs: 1000 }', cpu: await idleCpu({ pollIntervalMs: 1000 }, idleSeconds) },
  { name: 'watch: { pollIntervalMs: 100 }', cpu: await idleCpu({ pollIntervalMs: 100 }, idleSeconds) },
];

const ms = (x) => x.toFixed(1);
console.log('(h) Rotation: swap to `section()`\n');
console.log('A Kubernetes volume holding `production-secrets.ini` (one section of 20 keys, one DTO), swapped by the');
console.log('kubelet atomic writer; time from the end of the swap to the new value returned by');
console.log('`SecretsService.section()` (reload: read, parse, validate, swap).\n');
console.log('| watch | median ms | p95 ms | swaps |');
console.log('| --- | ---: | ---: | ---: |');
for (const row of rows) console.log(`| ${row.name} | ${ms(row.median)} | ${ms(row.p95)} | ${row.samples} |`);
console.log(`\nIdle cost over ${idleSeconds} s (CPU µs per second of wall time, user + system, whole process):\n`);
console.log('| application | CPU µs/s |');
console.log('| --- | ---: |');
for (const row of idle) console.log(`| ${row.name} | ${row.cpu.toFixed(0)} |`);
