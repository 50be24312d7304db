/**
 * Secret-volume layouts for tests. Node built-ins only: the swap test runs
 * this file (transpiled) in a worker thread, writing while the test reads.
 */
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';

/** File path (relative, `/`-separated, not starting with `..`) → content, with an optional mode. */
export type Payload = Record<string, string | { readonly data: string | Uint8Array; readonly mode?: number }>;

const DATA_DIR = '..data';
const NEW_DATA_DIR = '..data_tmp';

/**
 * The kubelet's `AtomicWriter.Write` (kubernetes `pkg/volume/util/atomic_writer.go`),
 * step by step on Linux:
 *
 * 1. validate the payload paths; 2. read the `..data` link (the old
 * timestamped directory); 3. the old paths that the payload drops; 4. return
 * when nothing changed; 5. a new `..<UTC yyyy_mm_dd_hh_mm_ss>.<random>`
 * directory with the target directory's mode; 6. write every file, then chmod
 * it (the umask must not decide the mode); 7. `..data_tmp` → the new
 * directory; 8. rename `..data_tmp` over `..data` (the atomic step); 9. create
 * the missing visible links `<first path element> → ..data/<first path
 * element>`; 10. remove the visible links of dropped top-level names; 11.
 * remove the old timestamped directory.
 *
 * `defaultMode` is the volume's `defaultMode` (Kubernetes' default is 0644).
 * @returns whether anything was written.
 */
export function atomicWrite(targetDir: string, payload: Payload, defaultMode = 0o644): boolean {
  // (1)
  const clean = new Map<string, { data: string | Uint8Array; mode: number }>();
  for (const [name, content] of Object.entries(payload)) {
    const normal = path.posix.normalize(name);
    const items = normal.split('/');
    if (
      name === '' ||
      path.isAbsolute(name) ||
      items.includes('..') ||
      (items[0].startsWith('..') && items[0].length > 2)
    ) {
      throw new Error(`invalid path: ${name}`);
    }
    clean.set(
      normal,
      typeof content === 'string'
        ? { data: content, mode: defaultMode }
        : { data: content.data, mode: content.mode ?? defaultMode },
    );
  }

  // (2)
  const dataDirPath = path.join(targetDir, DATA_DIR);
  let oldTsDir = '';
  try {
    oldTsDir = readlinkSync(dataDirPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const oldTsPath = path.join(targetDir, oldTsDir);

  let pathsToRemove = new Set<string>();
  if (oldTsDir !== '') {
    // (3)
    pathsToRemove = removedPaths(clean, oldTsPath);
    // (4)
    if (!shouldWritePayload(clean, oldTsPath) && pathsToRemove.size === 0) return false;
  }

  // (5)
  const tsDir = mkdtempSync(path.join(targetDir, timestampPrefix()));
  chmodSync(tsDir, statSync(targetDir).mode & 0o7777);
  const tsDirName = path.basename(tsDir);

  // (6)
  for (const [name, { data, mode }] of clean) {
    const full = path.join(tsDir, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, data, { mode });
    chmodSync(full, mode);
  }

  // (7)
  const newDataDirPath = path.join(targetDir, NEW_DATA_DIR);
  symlinkSync(tsDirName, newDataDirPath);
  // (8)
  renameSync(newDataDirPath, dataDirPath);

  // (9)
  for (const name of clean.keys()) {
    const linkName = name.split('/')[0];
    const visible = path.join(targetDir, linkName);
    try {
      readlinkSync(visible);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      symlinkSync(path.join(DATA_DIR, linkName), visible);
    }
  }
  // (10) only links in the volume root
  for (const removed of pathsToRemove) {
    if (!removed.includes('/')) unlinkSync(path.join(targetDir, removed));
  }
  // (11)
  if (oldTsDir !== '') rmSync(oldTsPath, { recursive: true, force: true });
  return true;
}

/** `..2006_01_02_15_04_05.` in UTC, as Go's `time.Now().UTC().Format`; mkdtemp adds the random part. */
function timestampPrefix(): string {
  const d = new Date();
  const two = (n: number) => String(n).padStart(2, '0');
  return `..${d.getUTCFullYear()}_${two(d.getUTCMonth() + 1)}_${two(d.getUTCDate())}_${two(d.getUTCHours())}_${two(d.getUTCMinutes())}_${two(d.getUTCSeconds())}.`;
}

function removedPaths(payload: Map<string, unknown>, oldTsPath: string): Set<string> {
  const current = new Set<string>();
  const walk = (dir: string, prefix: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const name of names) {
      const relative = prefix ? `${prefix}/${name}` : name;
      current.add(relative);
      if (lstatSync(path.join(dir, name)).isDirectory()) walk(path.join(dir, name), relative);
    }
  };
  walk(oldTsPath, '');
  const kept = new Set<string>();
  for (const name of payload.keys()) {
    const items = name.split('/');
    for (let i = 1; i <= items.length; i++) kept.add(items.slice(0, i).join('/'));
  }
  return new Set([...current].filter((p) => !kept.has(p)));
}

function shouldWritePayload(payload: Map<string, { data: string | Uint8Array }>, oldTsPath: string): boolean {
  for (const [name, { data }] of payload) {
    let onDisk: Buffer;
    try {
      onDisk = readFileSync(path.join(oldTsPath, name));
    } catch {
      return true;
    }
    if (!onDisk.equals(Buffer.from(data))) return true;
  }
  return false;
}

/**
 * Docker's `/run/secrets` layout (Swarm and Compose): one regular file per
 * secret, named by the secret's target, directly in the directory, mode
 * 0444 unless given (Docker's default).
 */
export function dockerSecrets(dir: string, secrets: Record<string, string>, mode = 0o444): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(secrets)) {
    const file = path.join(dir, name);
    writeFileSync(file, value, { mode });
    chmodSync(file, mode);
  }
}
