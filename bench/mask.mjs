/**
 * (d) Masking: `Masker.mask` on 1 MB of log-like text with 10, 100 and 1,000
 * secrets (9 patterns each at most: the value and its encodings), against a
 * `replaceAll` loop and a regex alternation over the same patterns; and
 * `Masker.createStream` on 100 MB in 64 KiB chunks, against a PassThrough.
 * Prints a Markdown table; runs on the built dist/ (`npm run build` first).
 *
 *   node bench/mask.mjs [--quick]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { PassThrough } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { rootRequire } from './lib/shared.mjs';

const { Masker, encodings } = rootRequire('./dist/mask/masker.js');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const quick = process.argv.includes('--quick');
const TEXT_BYTES = 1 << 20;
const STREAM_BYTES = quick ? 16 << 20 : 100 << 20;
const CHUNK = 64 * 1024;
const SIZES = [10, 100, 1000];

function progress(message) {
  process.stderr.write(`bench (d): ${message}\n`);
}

/** Secrets as apps have them: hex and base64 tokens, prefixed API keys, passwords, UUIDs. */
function secret(i) {
  const alnum = (n) =>
    randomBytes(n * 2)
      .toString('base64')
      .replace(/[+/=]/g, '')
      .slice(0, n);
  switch (i % 5) {
    case 0:
      return randomBytes(20).toString('hex');
    case 1:
      return randomBytes(32).toString('base64');
    case 2:
      return `sk_live_${alnum(24)}`;
    case 3:
      return `${alnum(10)}!${alnum(3)}#é${alnum(4)}/`;
    default:
      return randomUUID();
  }
}

/** About 1 MB of JSON and plain log lines; one line in 400 carries a secret in one of its forms. */
function logText(secrets) {
  const lines = [];
  let size = 0;
  for (let n = 0; size < TEXT_BYTES; n++) {
    const time = new Date(1_790_000_000_000 + n * 137).toISOString();
    let line;
    if (n % 3 === 0) {
      line = JSON.stringify({
        level: 30,
        time,
        pid: 4242,
        hostname: 'api-7f9c6d5b8-x2kqz',
        reqId: randomUUID(),
        traceId: randomBytes(16).toString('hex'),
        req: {
          method: 'GET',
          url: `/v1/users/${n}/orders?page=${n % 7}&sort=-created_at`,
          remotePort: 50000 + (n % 999),
        },
        res: { statusCode: 200 },
        responseTime: (n % 97) / 3,
        msg: 'request completed',
      });
    } else if (n % 3 === 1) {
      line = `${time} INFO  [OrdersService] processed batch ${n} in ${n % 500} ms (cache=${randomBytes(6).toString('base64')}, items=${n % 40})`;
    } else {
      line = `${time} DEBUG [HttpClient] POST https://payments.example.com/api/charges -> 201 etag="${randomBytes(12).toString('hex')}" user-agent="node-fetch/3.3 (+https://github.com/node-fetch)"`;
    }
    if (n % 400 === 17) {
      const value = secrets[n % secrets.length];
      const forms = encodings(value);
      line += ` token=${forms[n % forms.length]}`;
    }
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

function patternsOf(secrets) {
  return [...new Set(secrets.flatMap(encodings))].sort((a, b) => b.length - a.length);
}

function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median ms of `run`, after a warm-up: at least `minRounds`, no new round after `budgetMs`. */
function time(run, { warmup = 2, minRounds = 5, maxRounds = 50, budgetMs = 1500 } = {}) {
  for (let i = 0; i < warmup; i++) run();
  const samples = [];
  const start = performance.now();
  while (samples.length < maxRounds && (samples.length < minRounds || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    run();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const mbps = (bytes, ms) => bytes / 1e6 / (ms / 1000);
const fmt = (value) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const row = (cells) => `| ${cells.join(' | ')} |`;

const started = performance.now();
// The first build in the process, before the JIT knows the code: what an app pays once.
const coldSecrets = Array.from({ length: 1000 }, (_, i) => secret(i));
const coldStart = performance.now();
new Masker(coldSecrets).mask('build the automaton');
const coldBuild = performance.now() - coldStart;
const rows = [];
let build1000;
let memory1000;
for (const size of SIZES) {
  const secrets = Array.from({ length: size }, (_, i) => secret(i));
  const text = logText(secrets);
  const bytes = Buffer.byteLength(text);
  const patterns = patternsOf(secrets);
  const masker = new Masker(secrets);
  const regex = new RegExp(patterns.map(escape).join('|'), 'g');
  const lines = text.split('\n');
  const competitors = {
    'Masker.mask': () => masker.mask(text),
    // As a logger calls it: once per line.
    'Masker.mask per line': () => lines.map((line) => masker.mask(line)).join('\n'),
    'replaceAll loop': () => {
      let out = text;
      for (const pattern of patterns) out = out.replaceAll(pattern, '[REDACTED]');
      return out;
    },
    'regex alternation': () => text.replace(regex, '[REDACTED]'),
  };
  const expected = masker.mask(text);
  if (expected === text || secrets.some((value) => expected.includes(value))) {
    throw new Error(`bench (d): Masker.mask left a secret in the text (${size} secrets)`);
  }
  for (const [name, run] of Object.entries(competitors)) {
    progress(`${size} secrets: ${name}`);
    const same = run() === expected;
    const slow = !name.startsWith('Masker');
    const ms = time(
      run,
      quick ? { warmup: 1, minRounds: 2, budgetMs: 0 } : slow ? { warmup: 1, minRounds: 3, budgetMs: 1500 } : {},
    );
    rows.push({ size, name, patterns: patterns.length, bytes, ms, same });
  }
  if (size === 1000) {
    progress('1000 secrets: build');
    build1000 = time(() => new Masker(secrets).mask('build the automaton'), {
      warmup: 1,
      minRounds: 5,
      budgetMs: 1000,
    });
    // Typed arrays only: what the automata keep (the patterns are strings, counted apart).
    const fresh = new Masker(secrets);
    const used = () => (gc(), gc(), process.memoryUsage().arrayBuffers);
    const before = used();
    fresh.mask('build the text automaton');
    const afterText = used();
    fresh.createStream();
    memory1000 = { text: afterText - before, bytes: used() - afterText };
  }
}

// The stream: ~100 MB of the 100-secret log text in 64 KiB chunks.
function pump(stream, source) {
  return new Promise((resolve, reject) => {
    let out = 0;
    stream.on('data', (chunk) => (out += chunk.length));
    stream.on('end', () => resolve(out));
    stream.on('error', reject);
    let sent = 0;
    let offset = 0;
    const write = () => {
      while (sent < STREAM_BYTES) {
        const chunk = source.subarray(offset, offset + CHUNK);
        offset = offset + CHUNK >= source.length ? 0 : offset + CHUNK;
        sent += chunk.length;
        if (!stream.write(chunk)) return void stream.once('drain', write);
      }
      stream.end();
    };
    write();
  });
}

const streamSecrets = Array.from({ length: 100 }, (_, i) => secret(i));
const streamSource = Buffer.from(logText(streamSecrets));
const streamMasker = new Masker(streamSecrets);
const streamRows = [];
for (const [name, make] of [
  ['Masker.createStream', () => streamMasker.createStream()],
  ['PassThrough (floor)', () => new PassThrough()],
]) {
  progress(`stream: ${name}`);
  const samples = [];
  for (let round = 0; round < (quick ? 2 : 4); round++) {
    const t0 = performance.now();
    await pump(make(), streamSource);
    if (round > 0) samples.push(performance.now() - t0); // round 0 warms up
  }
  streamRows.push({ name, ms: median(samples) });
}

const lines = [
  `(d) Masking: 1 MB of log-like text (${fmt(TEXT_BYTES / 1e6)} MB), one line in 400 with a secret; median MB/s` +
    (quick ? ' — QUICK RUN, not for publishing' : ''),
  '',
  row([
    'secrets (patterns)',
    'Masker.mask MB/s',
    'same, per line MB/s',
    'replaceAll loop MB/s',
    'regex alternation MB/s',
    '× replaceAll',
    '× regex',
  ]),
  row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
];
for (const size of SIZES) {
  const of = (name) => rows.find((r) => r.size === size && r.name === name);
  const ours = of('Masker.mask');
  const perLine = of('Masker.mask per line');
  const loop = of('replaceAll loop');
  const regex = of('regex alternation');
  const note = (r) => (r.same ? '' : ' (differs)');
  lines.push(
    row([
      `${size.toLocaleString('en-US')} (${ours.patterns.toLocaleString('en-US')})`,
      fmt(mbps(ours.bytes, ours.ms)),
      fmt(mbps(perLine.bytes, perLine.ms)) + note(perLine),
      fmt(mbps(loop.bytes, loop.ms)) + note(loop),
      fmt(mbps(regex.bytes, regex.ms)) + note(regex),
      `${(loop.ms / ours.ms).toFixed(0)}×`,
      `${(regex.ms / ours.ms).toFixed(0)}×`,
    ]),
  );
}
lines.push(
  '',
  row([`stream, ${STREAM_BYTES >> 20} MiB in 64 KiB chunks, 100 secrets`, 'MB/s']),
  row(['---', '---:']),
  ...streamRows.map((r) => row([r.name, fmt(mbps(STREAM_BYTES, r.ms))])),
  '',
  `Build for 1,000 secrets (text automaton, on first \`mask\`): ${fmt(coldBuild)} ms the first time in a process, ` +
    `${fmt(build1000)} ms warm; ` +
    `memory: text automaton ${fmt(memory1000.text / 2 ** 20)} MiB, byte automaton (createStream) ${fmt(memory1000.bytes / 2 ** 20)} MiB`,
  `(${((performance.now() - started) / 1000).toFixed(0)} s)`,
);
console.log(lines.join('\n'));
