import { renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSecretsDirectory } from '../lib/sources/secrets-directory';
import { watchPaths, type PathWatcher } from '../lib/sources/watch';
import { atomicWrite, type Payload } from './helpers/atomic-writer';
import { exitsWithin } from './helpers/process';
import { tempDir, writeFile } from './helpers/tmp';
import { writerThread } from './helpers/writer-thread';

const quiet = { environment: 'test' };

/** Every value carries the version: a read mixing two versions shows two numbers. */
function payload(version: number): Payload {
  return {
    'db.password': `pw-${version}\n`,
    'db.user': `user-${version}`,
    'api.key': `key-${version}\r\n`,
    'redis/url': `redis://r/${version}`,
    [`only.v${version % 3}`]: `only-${version}`,
  };
}

/** The one version a read shows, or throws when it shows more than one. */
function versionOf(sections: Map<string, Map<string, { value: string }>>): number {
  const found = new Set<string>();
  let keys = 0;
  for (const values of sections.values()) {
    for (const { value } of values.values()) {
      keys++;
      found.add(/(\d+)$/.exec(value)?.[1] ?? 'none');
    }
  }
  if (found.size !== 1 || keys !== 5) throw new Error(`mixed read: ${keys} keys, versions ${[...found].join(', ')}`);
  return Number([...found][0]);
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let watchers: PathWatcher[] = [];
afterEach(() => {
  for (const watcher of watchers) watcher.close();
  watchers = [];
});
function watched(...args: Parameters<typeof watchPaths>): PathWatcher {
  const watcher = watchPaths(...args);
  watchers.push(watcher);
  return watcher;
}

/** Resolves when `condition()` holds, polling every 5 ms; rejects after `ms`. */
async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('the Kubernetes ..data swap', () => {
  it('1,000 swaps while another thread reads continuously: every read is one whole version, and the watcher fires', async () => {
    const dir = tempDir();
    atomicWrite(dir, payload(0), 0o400);
    const reads: number[] = [];
    const fired: number[] = [];
    watched(
      [{ path: dir, kind: 'directory' }],
      async () => {
        fired.push(versionOf((await readSecretsDirectory(dir, quiet)).sections));
      },
      { debounceMs: 50 },
    );

    let done = false;
    const writer = writerThread(dir, payload, 1, 1000).then(() => {
      done = true;
    });
    while (!done) {
      reads.push(versionOf((await readSecretsDirectory(dir, quiet)).sections));
      await tick();
    }
    await writer;
    reads.push(versionOf((await readSecretsDirectory(dir, quiet)).sections));

    expect(reads.every((version, i) => i === 0 || version >= reads[i - 1])).toBe(true);
    expect(reads.at(-1)).toBe(1000);
    // The reads overlapped the writes: many distinct versions were seen.
    expect(new Set(reads).size).toBeGreaterThan(20);
    await until(() => fired.at(-1) === 1000);
  }, 120_000);

  it('fires once per burst (debounced), with the new version readable', async () => {
    const dir = tempDir();
    atomicWrite(dir, payload(0), 0o400);
    const fired: number[] = [];
    watched(
      [{ path: dir, kind: 'directory' }],
      async () => {
        fired.push(versionOf((await readSecretsDirectory(dir, quiet)).sections));
      },
      { debounceMs: 100 },
    );
    for (let version = 1; version <= 10; version++) atomicWrite(dir, payload(version), 0o400);
    await until(() => fired.length === 1);
    await sleep(300);
    expect(fired).toEqual([10]);
    atomicWrite(dir, payload(11), 0o400);
    await until(() => fired.length === 2);
    expect(fired).toEqual([10, 11]);
  });

  it('polls when asked to, and notices a swap', async () => {
    const dir = tempDir();
    atomicWrite(dir, payload(0), 0o400);
    let calls = 0;
    const watcher = watched([{ path: dir, kind: 'directory' }], () => void calls++, {
      debounceMs: 10,
      pollIntervalMs: 20,
    });
    expect(watcher.mode()).toEqual({ events: 0, polling: 1 });
    await sleep(100);
    expect(calls).toBe(0);
    atomicWrite(dir, payload(1), 0o400);
    await until(() => calls === 1);
  });

  it('watches an INI file that is a link into a Kubernetes volume', async () => {
    const dir = tempDir();
    atomicWrite(dir, { 'production-secrets.ini': '[a]\nk = 1\n' }, 0o400);
    let calls = 0;
    watched([{ path: path.join(dir, 'production-secrets.ini'), kind: 'file' }], () => void calls++, { debounceMs: 20 });
    atomicWrite(dir, { 'production-secrets.ini': '[a]\nk = 2\n' }, 0o400);
    await until(() => calls === 1);
    atomicWrite(dir, { 'production-secrets.ini': '[a]\nk = 3\n' }, 0o400);
    await until(() => calls === 2);
  });
});

describe('watchPaths', () => {
  it('follows a file replaced by rename, again and again, and ignores its neighbours', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'production-secrets.ini', '[a]\nk = 1\n');
    let calls = 0;
    watched([{ path: file, kind: 'file' }], () => void calls++, { debounceMs: 20 });
    for (let version = 2; version <= 4; version++) {
      writeFile(dir, '.production-secrets.ini.tmp', `[a]\nk = ${version}\n`);
      renameSync(path.join(dir, '.production-secrets.ini.tmp'), file);
      await until(() => calls === version - 1);
    }
    writeFile(dir, 'other.log', 'noise');
    await sleep(150);
    expect(calls).toBe(3);
  });

  it('notices an in-place edit of a file in a section directory', async () => {
    const dir = tempDir();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(dir, 'db'));
    const file = writeFile(dir, 'db/password', 'one');
    let calls = 0;
    watched([{ path: dir, kind: 'directory' }], () => void calls++, { debounceMs: 20 });
    writeFileSync(file, 'two');
    await until(() => calls === 1);
  });

  it('follows a watched directory replaced by rename (re-armed on the new directory)', async () => {
    const parent = tempDir();
    const { mkdirSync } = await import('node:fs');
    const dir = path.join(parent, 'secrets');
    mkdirSync(dir);
    mkdirSync(path.join(parent, 'next'));
    writeFile(parent, 'next/a.b', '1');
    let calls = 0;
    watched([{ path: dir, kind: 'directory' }], () => void calls++, { debounceMs: 20 });
    renameSync(dir, path.join(parent, 'old'));
    renameSync(path.join(parent, 'next'), dir);
    await until(() => calls === 1);
    writeFileSync(path.join(dir, 'a.b'), '2');
    await until(() => calls === 2);
  });

  it('never runs onChange twice at once: a change during a slow onChange leads to one more call', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'a.b', '0');
    let running = 0;
    let most = 0;
    let calls = 0;
    watched(
      [{ path: dir, kind: 'directory' }],
      async () => {
        calls++;
        most = Math.max(most, ++running);
        await sleep(200);
        running--;
      },
      { debounceMs: 10 },
    );
    writeFileSync(file, '1');
    await until(() => calls === 1);
    writeFileSync(file, '2');
    await sleep(50);
    writeFileSync(file, '3');
    await until(() => calls === 2);
    await sleep(400);
    expect({ calls, most }).toEqual({ calls: 2, most: 1 });
  });

  it('calls nothing after close()', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'a.b', '0');
    let calls = 0;
    const watcher = watched([{ path: dir, kind: 'directory' }], () => void calls++, { debounceMs: 50 });
    writeFileSync(file, '1');
    watcher.close();
    watcher.close();
    writeFileSync(file, '2');
    await sleep(200);
    expect(calls).toBe(0);
  });

  it('falls back to polling for a directory that does not exist yet', async () => {
    const dir = path.join(tempDir(), 'later');
    let calls = 0;
    const watcher = watched([{ path: dir, kind: 'directory' }], () => void calls++, {
      debounceMs: 10,
      pollIntervalMs: undefined,
    });
    expect(watcher.mode()).toEqual({ events: 0, polling: 1 });
    watcher.close();
    expect(calls).toBe(0);
  });
});

describe('watchPaths and the process', () => {
  const script = (body: string) => `
    const { mkdtempSync, writeFileSync, renameSync } = require('node:fs');
    const { join } = require('node:path');
    const { tmpdir } = require('node:os');
    const { watchPaths } = require(${JSON.stringify(path.resolve('dist/sources/watch.js'))});
    const dir = mkdtempSync(join(tmpdir(), 'nis-watch-'));
    ${body}
  `;

  it('a process whose kept-alive watcher was closed exits on its own', async () => {
    const result = await exitsWithin(
      10_000,
      script(`
        const watcher = watchPaths([{ path: dir, kind: 'directory' }], () => {
          process.stdout.write('changed;');
          watcher.close();
        }, { debounceMs: 20, keepAlive: true });
        writeFileSync(join(dir, 'a.b'), 'x');
      `),
    );
    expect(result).toEqual({ code: 0, stdout: 'changed;', timedOut: false });
  });

  it('a kept-alive watcher that is not closed keeps the process alive', async () => {
    const result = await exitsWithin(
      1500,
      script(`watchPaths([{ path: dir, kind: 'directory' }], () => {}, { keepAlive: true, pollIntervalMs: 50 });`),
    );
    expect(result.timedOut).toBe(true);
  });

  it('an idle watcher alone (the default, unref) does not keep the process alive, with events or polling', async () => {
    const result = await exitsWithin(
      10_000,
      script(`
        watchPaths([{ path: dir, kind: 'directory' }], () => {});
        watchPaths([{ path: dir, kind: 'directory' }], () => {}, { pollIntervalMs: 50 });
        process.stdout.write('armed;');
      `),
    );
    expect(result).toEqual({ code: 0, stdout: 'armed;', timedOut: false });
  });
});
