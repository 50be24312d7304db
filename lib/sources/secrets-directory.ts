/**
 * The `secretsDirectory` source: one value per file, as Kubernetes secret
 * volumes, Docker's `/run/secrets` and Vault Agent lay them out.
 */
import { lstatSync, opendirSync, readlinkSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { ProblemCollector, SecretsError, isPresentableName, type SecretsProblem } from '../errors';
import { RESERVED_NAMES } from '../reserved-names';
import { DEFAULT_MAX_FILE_SIZE, decodeValueFile } from './read';
import { readRegularFile } from '../files/read-file';
import type { SourceRead, SourceSections } from './origin';

/** The default of `maxDirectorySize`: 4 MiB (a Kubernetes Secret holds at most 1 MiB; a projected volume several). */
export const DEFAULT_MAX_DIRECTORY_SIZE = 4 * 1024 * 1024;
/** The default of `maxEntries`. */
export const DEFAULT_MAX_ENTRIES = 1000;

/** Kubernetes' atomic writer: `..data` links to the current `..<timestamp>.<random>` directory. */
const DATA_LINK = '..data';
/** How often a read is restarted because `..data` was swapped while it ran. */
const MAX_ATTEMPTS = 50;
const RELAXED_ENVIRONMENTS = new Set(['development', 'test']);

export interface SecretsDirectoryOptions {
  /** Largest file accepted, in bytes. Default 1 MiB, as `maxFileSize` of the INI file. */
  maxFileSize?: number;
  /** Largest total of all files, in bytes. Default {@link DEFAULT_MAX_DIRECTORY_SIZE}. */
  maxDirectorySize?: number;
  /** Most entries (files and section directories, dotfiles included) read. Default {@link DEFAULT_MAX_ENTRIES}. */
  maxEntries?: number;
  /** The environment name: outside `development` and `test`, files readable by group or others are warned about. */
  environment?: string;
}

/** {@link SourceRead} of a directory, with what was read. */
export interface SecretsDirectoryResult extends SourceRead {
  /** `kubernetes` when read through `..data`, else `plain` (flat files and/or one sub-directory per section). */
  readonly layout: 'kubernetes' | 'plain';
  /** The `..<timestamp>.<random>` directory read, for `kubernetes`; useful in a "reloaded" log line. */
  readonly version?: string;
}

/**
 * Reads a secrets directory: every file is one value.
 *
 * - `db.password` (split at the LAST dot: Kubernetes Secret keys may contain
 *   dots) and `db/password` (one sub-directory per section) are both key
 *   `password` of section `db`. Deeper directories are refused.
 * - Exactly one trailing `\n` or `\r\n` is stripped, nothing else. Values are
 *   UTF-8 without a byte order mark (`ENCODING` otherwise).
 * - Dotfiles and dot-directories are ignored. When `..data` is a link, the
 *   directory is the Kubernetes atomic-writer layout: everything is read from
 *   the one `..<timestamp>.<random>` directory it points to (a real directory
 *   next to `..data`, never a link), so a read never
 *   mixes two versions; the visible links `<name> → ..data/<name>` are
 *   checked but not followed. A read that overlaps a swap starts again.
 * - Only regular files: any other symbolic link, a FIFO, a socket or a device
 *   is refused (and never opened for long: see `readRegularFile`).
 * - Files are sorted by name, so the result does not depend on the file system.
 *
 * @returns sections sorted by name, each value with origin
 *   `{ kind: 'directory-file', path }` (the path under `dir`, never the
 *   timestamped one); warnings: one `INSECURE_MODE` for files readable by
 *   group or others, outside `development` and `test`.
 * @throws SecretsError with every problem found: `FILE_NOT_FOUND` (no
 *   directory), `FILE_UNREADABLE` (not a directory; an entry that is not a
 *   regular file or a section directory; a link other than the Kubernetes
 *   ones), `FILE_TOO_LARGE` (a file over `maxFileSize`, all files over
 *   `maxDirectorySize`, more than `maxEntries` entries), `SYNTAX` (a file
 *   directly in `dir` with no dot, an empty section or key, a key file name
 *   holding a `.`, whitespace, `[` or `]`), `RESERVED_NAME`,
 *   `SYNTAX` also for a name holding a control character (named by its directory),
 *   `DUPLICATE_SECTION` / `DUPLICATE_KEY` (also differing only by case, e.g.
 *   `db.password` and `db/password`), `ENCODING`. No message holds a value.
 * @example
 * // /etc/secrets/..data -> ..2026_12_01_21_00_00.123456789
 * // /etc/secrets/db.password -> ..data/db.password   (contains "s3cret\n")
 * const { sections } = await readSecretsDirectory('/etc/secrets', { environment: 'production' });
 * sections.get('db')?.get('password'); // { value: 's3cret', origin: { kind: 'directory-file', path: '/etc/secrets/db.password' } }
 */
export async function readSecretsDirectory(
  dir: string,
  options: SecretsDirectoryOptions = {},
): Promise<SecretsDirectoryResult> {
  const root = path.resolve(dir);
  const limits: Limits = {
    maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    maxDirectorySize: options.maxDirectorySize ?? DEFAULT_MAX_DIRECTORY_SIZE,
    maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
  };
  const checkMode =
    process.platform !== 'win32' &&
    (options.environment === undefined || !RELAXED_ENVIRONMENTS.has(options.environment));
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const result = await readOnce(root, limits, checkMode);
    if (result !== 'swapped') return result;
  }
  throw new SecretsError([
    {
      code: 'FILE_UNREADABLE',
      file: root,
      message: `secrets directory: ..data was replaced during each of ${MAX_ATTEMPTS} reads in a row`,
    },
  ]);
}

interface Limits {
  readonly maxFileSize: number;
  readonly maxDirectorySize: number;
  readonly maxEntries: number;
}

interface Entry {
  readonly name: string;
  readonly stat: Stats;
}

/** Where a read is: the problems so far and the budget left. */
interface ReadState {
  readonly problems: ProblemCollector;
  readonly limits: Limits;
  entries: number;
  bytes: number;
  overBudget: boolean;
  /** Visible (user) paths of files readable by group or others, with their modes. */
  readonly insecure: { path: string; mode: number }[];
}

async function readOnce(root: string, limits: Limits, checkMode: boolean): Promise<SecretsDirectoryResult | 'swapped'> {
  const fail = (code: 'FILE_NOT_FOUND' | 'FILE_UNREADABLE', message: string): never => {
    throw new SecretsError([{ code, file: root, message }]);
  };
  let rootStat: Stats;
  try {
    // Followed: a mount point reached through a link (/run/secrets -> /var/run/secrets) is fine.
    rootStat = statSync(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return fail('FILE_NOT_FOUND', 'secrets directory not found');
    return fail('FILE_UNREADABLE', `secrets directory cannot be read (${code ?? 'unknown error'})`);
  }
  if (!rootStat.isDirectory()) return fail('FILE_UNREADABLE', 'is not a directory');

  const version = readDataLink(root);
  if (version !== undefined) {
    const checked = checkVersionDirectory(root, version);
    if (checked === 'swapped') return checked;
  }
  const state: ReadState = {
    problems: new ProblemCollector(),
    limits,
    entries: 0,
    bytes: 0,
    overBudget: false,
    insecure: [],
  };
  const sections: SourceSections = new Map();
  const names = new Names(state.problems);

  const top = listEntries(root, root, state);
  if (top === 'gone') return fail('FILE_NOT_FOUND', 'secrets directory not found');
  let dataRoot = root;
  if (version !== undefined) {
    dataRoot = path.join(root, version);
    for (const entry of top) {
      if (entry.name.startsWith('.')) continue;
      checkVisibleLink(root, entry, state.problems);
    }
  }
  const content = version === undefined ? top : listEntries(dataRoot, root, state);
  if (content === 'gone')
    return readDataLink(root) !== version ? 'swapped' : fail('FILE_NOT_FOUND', 'secrets directory not found');

  for (const entry of content) {
    if (entry.name.startsWith('.') || state.overBudget) continue;
    if (!checkPrintableName(entry.name, root, state.problems)) continue;
    const visible = path.join(root, entry.name);
    const real = path.join(dataRoot, entry.name);
    if (entry.stat.isDirectory()) {
      const section = entry.name;
      if (!names.section(section, visible)) continue;
      const files = listEntries(real, visible, state);
      if (files === 'gone') continue;
      for (const file of files) {
        if (file.name.startsWith('.') || state.overBudget) continue;
        if (!checkPrintableName(file.name, visible, state.problems)) continue;
        const visibleFile = path.join(visible, file.name);
        if (file.stat.isDirectory()) {
          state.problems.add({
            code: 'FILE_UNREADABLE',
            file: visibleFile,
            message: 'is a directory inside a section directory: only one level, <section>/<key>, is read',
          });
          continue;
        }
        if (!checkKeyFileName(file.name, section, visibleFile, state.problems)) continue;
        await readValue(sections, names, section, file.name, path.join(real, file.name), visibleFile, file.stat, state);
      }
      continue;
    }
    if (!entry.stat.isFile()) {
      await readValue(sections, names, '', '', real, visible, entry.stat, state); // refused there, by type
      continue;
    }
    const dot = entry.name.lastIndexOf('.');
    if (dot === -1) {
      state.problems.add({
        code: 'SYNTAX',
        file: visible,
        message: 'file name has no ".": name it <section>.<key> or move it into a <section>/ directory',
      });
      continue;
    }
    if (dot === entry.name.length - 1) {
      state.problems.add({ code: 'SYNTAX', file: visible, message: 'file name ends with ".": the key is empty' });
      continue;
    }
    const section = entry.name.slice(0, dot);
    const key = entry.name.slice(dot + 1);
    if (!names.section(section, visible) || !checkKeyName(key, section, visible, state.problems)) continue;
    await readValue(sections, names, section, key, real, visible, entry.stat, state);
  }

  // The timestamped directory is removed only after ..data points elsewhere,
  // and names are never reused: the same link after the read means the
  // directory read was whole for the entire read.
  if (version !== undefined && readDataLink(root) !== version) return 'swapped';
  state.problems.throwIfAny();

  const warnings: SecretsProblem[] = [];
  if (checkMode && state.insecure.length > 0)
    warnings.push(insecureWarning(root, state.insecure, version !== undefined));
  return {
    sections: sortSections(sections),
    warnings,
    layout: version === undefined ? 'plain' : 'kubernetes',
    version,
  };
}

/** The name `..data` links to, or undefined when there is no `..data` link. */
function readDataLink(root: string): string | undefined {
  let target: string;
  try {
    target = readlinkSync(path.join(root, DATA_LINK));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new SecretsError([
      {
        code: 'FILE_UNREADABLE',
        file: path.join(root, DATA_LINK),
        message:
          code === 'EINVAL'
            ? 'is not a symbolic link: a Kubernetes volume links ..data to a ..<timestamp> directory'
            : `cannot be read (${code ?? 'unknown error'})`,
      },
    ]);
  }
  // The kubelet links to a sibling by its bare name; anything else could lead out of the directory.
  if (!/^\.\.[^/\\]+$/.test(target) || target === DATA_LINK) {
    throw new SecretsError([
      {
        code: 'FILE_UNREADABLE',
        file: path.join(root, DATA_LINK),
        message: 'links outside the directory: only a ..<timestamp> directory next to it is followed',
      },
    ]);
  }
  return target;
}

/**
 * The `..<timestamp>` directory `..data` links to must be a directory itself:
 * a link there (`..2026 -> /etc`) would be followed by the listing and lead
 * out of the volume; the kubelet only ever creates a real directory.
 */
function checkVersionDirectory(root: string, version: string): 'swapped' | undefined {
  const problem = (message: string): never => {
    throw new SecretsError([{ code: 'FILE_UNREADABLE', file: path.join(root, DATA_LINK), message }]);
  };
  let stat: Stats;
  try {
    stat = lstatSync(path.join(root, version));
  } catch {
    return readDataLink(root) !== version ? 'swapped' : problem(`links to ${version}, which does not exist`);
  }
  if (stat.isSymbolicLink())
    problem(`links to ${version}, which is a symbolic link: only a ..<timestamp> directory next to it is followed`);
  if (!stat.isDirectory()) problem(`links to ${version}, which is not a directory`);
  return undefined;
}

/** A visible entry of a Kubernetes volume must be the link `<name> → ..data/<name>`; it is never followed. */
function checkVisibleLink(root: string, entry: Entry, problems: ProblemCollector): void {
  const file = path.join(root, entry.name);
  if (entry.stat.isSymbolicLink()) {
    let target: string | undefined;
    try {
      target = readlinkSync(file);
    } catch {
      return; // removed by a swap since the listing: the content under ..data is what counts
    }
    if (target === `${DATA_LINK}/${entry.name}`) return;
  }
  problems.add({
    code: 'FILE_UNREADABLE',
    file,
    message: `is not the link ${DATA_LINK}/${entry.name}: a directory with ${DATA_LINK} is read through ${DATA_LINK} only`,
  });
}

/**
 * Entries of `dir` (not following links), sorted by name; `visible` names the
 * directory in problems. 'gone' when `dir` does not exist (any more).
 */
function listEntries(dir: string, visible: string, state: ReadState): Entry[] | 'gone' {
  const names: string[] = [];
  try {
    const handle = opendirSync(dir);
    try {
      for (let dirent = handle.readSync(); dirent !== null; dirent = handle.readSync()) {
        if (++state.entries > state.limits.maxEntries) {
          tooLarge(state, visible, `holds more than ${state.limits.maxEntries} entries (maxEntries)`);
          break;
        }
        names.push(dirent.name);
      }
    } finally {
      handle.closeSync();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'gone';
    state.problems.add({
      code: 'FILE_UNREADABLE',
      file: visible,
      message: `cannot be listed (${code ?? 'unknown error'})`,
    });
    return [];
  }
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const entries: Entry[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    try {
      entries.push({ name, stat: lstatSync(path.join(dir, name)) });
    } catch {
      // Gone since the listing: a plain directory changed while read, or a swap (caught by the link check).
    }
  }
  return entries;
}

function tooLarge(state: ReadState, file: string, message: string): void {
  if (state.overBudget) return;
  state.overBudget = true;
  state.problems.add({ code: 'FILE_TOO_LARGE', file, message });
}

async function readValue(
  sections: SourceSections,
  names: Names,
  section: string,
  key: string,
  real: string,
  visible: string,
  stat: Stats,
  state: ReadState,
): Promise<void> {
  const { problems, limits } = state;
  if (stat.isSymbolicLink()) {
    problems.add({
      code: 'FILE_UNREADABLE',
      file: visible,
      message: 'is a symbolic link: only the links of the Kubernetes ..data layout are followed',
    });
    return;
  }
  if (!stat.isFile()) {
    problems.add({
      code: 'FILE_UNREADABLE',
      file: visible,
      message: 'is not a regular file (a FIFO, socket or device)',
    });
    return;
  }
  if (!names.key(section, key, visible)) return;
  const read = await readRegularFile(real, limits.maxFileSize);
  if (!(read instanceof Uint8Array)) {
    switch (read.problem) {
      case 'not-found':
        problems.add({
          code: 'FILE_NOT_FOUND',
          file: visible,
          message: 'secret file removed while the directory was read',
        });
        return;
      case 'directory':
      case 'not-regular':
        problems.add({ code: 'FILE_UNREADABLE', file: visible, message: 'is not a regular file' });
        return;
      case 'too-large':
        problems.add({
          code: 'FILE_TOO_LARGE',
          file: visible,
          message: `secret file is ${read.size === undefined ? `over ${limits.maxFileSize} bytes` : `${read.size} bytes`}, larger than maxFileSize (${limits.maxFileSize} bytes)`,
        });
        return;
      case 'unreadable':
        problems.add({ code: 'FILE_UNREADABLE', file: visible, message: `secret file cannot be read (${read.code})` });
        return;
    }
  }
  state.bytes += read.length;
  if (state.bytes > limits.maxDirectorySize) {
    tooLarge(
      state,
      path.dirname(visible),
      `secret files total more than maxDirectorySize (${limits.maxDirectorySize} bytes)`,
    );
    return;
  }
  let text: string;
  try {
    text = decodeValueFile(read, visible);
  } catch (error) {
    if (!(error instanceof SecretsError)) throw error;
    for (const problem of error.problems) problems.add({ ...problem, section, key });
    return;
  }
  if ((stat.mode & 0o077) !== 0) state.insecure.push({ path: visible, mode: stat.mode & 0o777 });
  let values = sections.get(section);
  if (!values) sections.set(section, (values = new Map()));
  values.set(key, { value: stripOneNewline(text), origin: { kind: 'directory-file', path: visible } });
}

/** Exactly one trailing `\n` or `\r\n` goes: what `echo` and editors add, and nothing a value may need. */
export function stripOneNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n')) return text.slice(0, -1);
  return text;
}

/**
 * A name with a control character (a newline, an escape sequence) would be
 * printed raw in every message and log line naming the file: refused, and
 * not shown — the message names the directory holding it.
 */
function checkPrintableName(name: string, dir: string, problems: ProblemCollector): boolean {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x1f\x7f]/.test(name)) return true;
  problems.add({
    code: 'SYNTAX',
    file: dir,
    message: 'holds a file whose name contains a control character (a newline, an escape): rename it (name not shown)',
  });
  return false;
}

/** As the INI parser: keys are identifiers for `section.key` paths and DTO properties. */
const INVALID_KEY_CHARACTER = /[\s.[\]]/;

function checkKeyName(key: string, section: string, file: string, problems: ProblemCollector): boolean {
  if (INVALID_KEY_CHARACTER.test(key)) {
    problems.add({ code: 'SYNTAX', file, section, message: 'key may not contain whitespace, "[" or "]"' });
    return false;
  }
  if (RESERVED_NAMES.has(key)) {
    problems.add({ code: 'RESERVED_NAME', file, section, key, message: `"${key}" is a reserved name` });
    return false;
  }
  return true;
}

function checkKeyFileName(key: string, section: string, file: string, problems: ProblemCollector): boolean {
  if (key.includes('.')) {
    problems.add({
      code: 'SYNTAX',
      file,
      section,
      message: 'a file in a section directory is named by its key, which may not contain "."',
    });
    return false;
  }
  return checkKeyName(key, section, file, problems);
}

/**
 * Section and key names seen so far, compared case-insensitively as the INI
 * parser does: `DB/` next to `db.password`, or `db.password` next to
 * `db/password`, is a duplicate naming both files.
 */
class Names {
  readonly #sections = new Map<string, { name: string; file: string }>();
  readonly #keys = new Map<string, { key: string; file: string }>();

  constructor(readonly problems: ProblemCollector) {}

  section(name: string, file: string): boolean {
    if (/^\s|\s$|[[\]]/.test(name)) {
      this.problems.add({
        code: 'SYNTAX',
        file,
        message: 'section name may not contain "[" or "]" nor start or end with whitespace',
      });
      return false;
    }
    if (RESERVED_NAMES.has(name)) {
      this.problems.add({ code: 'RESERVED_NAME', file, section: name, message: `"${name}" is a reserved name` });
      return false;
    }
    const earlier = this.#sections.get(name.toLowerCase());
    if (earlier && earlier.name !== name) {
      this.problems.add({
        code: 'DUPLICATE_SECTION',
        file,
        section: name,
        message: `section name differs only by case from [${earlier.name}] of ${earlier.file}`,
      });
      return false;
    }
    if (!earlier) this.#sections.set(name.toLowerCase(), { name, file });
    return true;
  }

  key(section: string, key: string, file: string): boolean {
    const id = `${section}\0${key.toLowerCase()}`;
    const earlier = this.#keys.get(id);
    if (earlier) {
      this.problems.add({
        code: 'DUPLICATE_KEY',
        file,
        section,
        key,
        message:
          earlier.key === key
            ? `duplicate key (also set by ${earlier.file})`
            : `key differs only by case from ${isPresentableName(earlier.key) ? `"${earlier.key}" ` : ''}of ${earlier.file}`,
      });
      return false;
    }
    this.#keys.set(id, { key, file });
    return true;
  }
}

function insecureWarning(root: string, files: { path: string; mode: number }[], kubernetes: boolean): SecretsProblem {
  const octal = (mode: number) => mode.toString(8).padStart(4, '0');
  const shown = files
    .slice(0, 3)
    .map((f) => `${path.relative(root, f.path)} mode ${octal(f.mode)}`)
    .join(', ');
  const more = files.length > 3 ? `, and ${files.length - 3} more` : '';
  const fix = kubernetes
    ? 'set defaultMode: 0400 on the secret volume'
    : `run chmod 600 on the files (or chmod 700 ${root})`;
  return {
    code: 'INSECURE_MODE',
    file: root,
    message: `${files.length} secret file${files.length === 1 ? ' is' : 's are'} accessible by group or others (${shown}${more}): ${fix}`,
  };
}

function sortSections(sections: SourceSections): SourceSections {
  const byName = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  return new Map(
    [...sections].sort(byName).map(([name, values]) => [name, new Map([...values].sort(byName))] as const),
  );
}
