/**
 * The kubelet atomic writer (./atomic-writer.ts, transpiled as is) in a
 * worker thread, so that it swaps a volume while the test's thread reads.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import ts from 'typescript';
import type { Payload } from './atomic-writer';

/**
 * Writes `payload(version)` into the volume `dir` for each version from
 * `from` to `to`, pausing `pauseMs` after each. `payload` is sent as its
 * source text: it must use nothing but its argument.
 */
export function writerThread(
  dir: string,
  payload: (version: number) => Payload,
  from: number,
  to: number,
  pauseMs = 0,
): Promise<void> {
  const source = readFileSync(path.resolve('test/helpers/atomic-writer.ts'), 'utf8');
  const helper = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const helper = { exports: {} };
    new Function('exports', 'require', 'module', ${JSON.stringify(helper)})(helper.exports, require, helper);
    const payload = ${payload.toString()};
    const sleep = new Int32Array(new SharedArrayBuffer(4));
    for (let version = workerData.from; version <= workerData.to; version++) {
      helper.exports.atomicWrite(workerData.dir, payload(version), 0o400);
      if (workerData.pauseMs) Atomics.wait(sleep, 0, 0, workerData.pauseMs);
    }
    parentPort.postMessage('done');
  `;
  const worker = new Worker(code, { eval: true, workerData: { dir, from, to, pauseMs } });
  return new Promise((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited with ${code}`))));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `condition()` holds, polling every 5 ms; rejects after `ms`. */
export async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}
