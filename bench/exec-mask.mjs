/**
 * (f) `nest-secrets exec --mask`: throughput of a command's output through
 * the masker, against plain `exec` (output inherited, unmasked). The command
 * is `node -e` writing log-like text in 64 KiB chunks, one secret value in
 * each chunk, honouring back-pressure; this process reads our stdout through
 * a pipe and counts the bytes (checked against the expected masked size).
 * Prints a Markdown section; progress goes to stderr.
 *
 *   node bench/exec-mask.mjs [--quick]      (after `npm run build`)
 *
 * With lib/mask/masker.ts's interface stub (it holds everything until the end) the
 * size is cut to 16 MiB, since 100 MiB would take gigabytes of memory.
 */
import { spawn } from 'node:child_process';
import console from 'node:console';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { repoRoot } from './lib/shared.mjs';

const quick = process.argv.includes('--quick');
const cli = path.join(repoRoot, 'dist', 'cli', 'main.js');
if (!existsSync(cli)) {
  console.error('bench: dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const stub = readFileSync(path.join(repoRoot, 'dist', 'mask', 'masker.js'), 'utf8').includes('INTERFACE STUB');

const CHUNK = 64 * 1024;
const CHUNKS = stub ? 256 : 1600; // 16 MiB / 100 MiB
const ROUNDS = quick ? 1 : 3;
const GOAL_MB_S = 200;
const VALUES = 16;

/** Letters from a fixed seed: the same throw-away values on every run. */
function letters(seed, length) {
  let x = seed * 2654435761;
  let out = '';
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += String.fromCharCode(97 + ((x >>> 16) % 26) - (i % 2 ? 32 : 0));
  }
  return out;
}

const values = Array.from({ length: VALUES }, (_, i) => letters(i + 1, 24 + (i % 3) * 8));
const ini = `[bench]\n${values.map((value, i) => `value_${i} = ${value}`).join('\n')}\n`;

// One 64 KiB chunk of log lines ending with `token=<value>`; masked, the value becomes the 10 bytes of `[REDACTED]`.
const WRITER = `
const value = process.env.SECRET_BENCH_VALUE_0;
const tail = 'token=' + value + '\\n';
let text = '';
for (let i = 0; text.length + 64 + tail.length <= ${CHUNK}; i++) text += 'GET /api/items/' + String(i).padStart(6, '0') + ' 200 12ms user-agent=bench\\n';
const chunk = Buffer.from(text.padEnd(${CHUNK} - tail.length, '.') + tail);
let left = Number(process.argv[1]);
(function write() {
  while (left > 0) {
    left--;
    if (!process.stdout.write(chunk)) return void process.stdout.once('drain', write);
  }
})();
`;

/** Peak RSS (VmHWM) of `pid` in MiB as last seen, or undefined where /proc is missing. */
function peakRss(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** One run: seconds from spawn to close, bytes read from our stdout, peak RSS of nest-secrets. */
function once(dir, mask, chunks) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [cli, 'exec', '-e', 'bench', ...(mask ? ['--mask'] : []), '--', process.execPath, '-e', WRITER, String(chunks)],
      { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let bytes = 0;
    let peak;
    const poll = setInterval(() => (peak = peakRss(child.pid) ?? peak), 20);
    child.stdout.on('data', (data) => (bytes += data.length));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      if (code !== 0) reject(new Error(`bench: nest-secrets exec exited ${code}`));
      else resolve({ seconds: (performance.now() - started) / 1000, bytes, peak });
    });
  });
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const mib = (bytes) => bytes / (1024 * 1024);

const dir = mkdtempSync(path.join(os.tmpdir(), 'nestjs-ini-secrets-bench-exec-'));
try {
  writeFileSync(path.join(dir, 'bench-secrets.ini'), ini, { mode: 0o600 });
  const expected = {
    plain: CHUNKS * CHUNK,
    mask: CHUNKS * (CHUNK - values[0].length + '[REDACTED]'.length),
  };
  const samples = { plain: [], mask: [], plainStart: [], maskStart: [] };
  const peak = { plain: 0, mask: 0 };
  // Interleaved, so that both modes see the same machine; the empty runs measure process start-up alone.
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ['plain', 'mask']) {
      process.stderr.write(`bench: (f) exec ${mode === 'mask' ? '--mask' : '(plain)'}, round ${round + 1}/${ROUNDS}\n`);
      const start = await once(dir, mode === 'mask', 0);
      const run = await once(dir, mode === 'mask', CHUNKS);
      if (run.bytes !== expected[mode]) {
        throw new Error(`bench: exec ${mode} wrote ${run.bytes} bytes, expected ${expected[mode]}`);
      }
      samples[`${mode}Start`].push(start.seconds);
      samples[mode].push(run.seconds);
      peak[mode] = Math.max(peak[mode], run.peak ?? 0);
    }
  }
  const input = mib(CHUNKS * CHUNK);
  const row = (cells) => `| ${cells.join(' | ')} |`;
  const result = {};
  const lines = [
    `(f) \`nest-secrets exec\`: ${input.toFixed(0)} MiB of output in 64 KiB writes, one of ${VALUES} values in each, ` +
      `read through a pipe (median of ${ROUNDS}; "net" subtracts an empty run's start-up)` +
      (stub ? ' — INTERFACE STUB masker, smaller size: re-measure with the real one' : ''),
    '',
    row(['mode', 'median s', 'MB/s', 'net MB/s', 'start-up s', 'peak RSS MiB (nest-secrets)']),
    row(['---', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const mode of ['plain', 'mask']) {
    const seconds = median(samples[mode]);
    const start = median(samples[`${mode}Start`]);
    const mbs = (CHUNKS * CHUNK) / 1e6 / seconds;
    const net = (CHUNKS * CHUNK) / 1e6 / Math.max(seconds - start, 1e-3);
    result[mode] = { seconds, start, mbs, net };
    lines.push(
      row([
        mode === 'mask' ? '`exec --mask`' : '`exec`',
        seconds.toFixed(2),
        mbs.toFixed(0),
        net.toFixed(0),
        start.toFixed(2),
        peak[mode] ? peak[mode].toFixed(0) : '',
      ]),
    );
  }
  lines.push(
    '',
    `- \`exec --mask\` ≥ ${GOAL_MB_S} MB/s (net): ${result.mask.net.toFixed(0)} MB/s — ` +
      `${result.mask.net >= GOAL_MB_S ? 'met' : 'NOT met'}${stub ? ' (stub masker)' : ''}`,
  );
  console.log(lines.join('\n'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
