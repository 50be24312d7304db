import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach } from 'vitest';

/** A fresh temp directory per call, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'nis-test-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `content` to `dir/name` and returns the absolute path. */
export function writeFile(dir: string, name: string, content: string | Uint8Array, mode = 0o600): string {
  const file = path.join(dir, name);
  writeFileSync(file, content, { mode });
  return file;
}
