/**
 * Value-aware masking, as CI systems mask their logs: every occurrence of a
 * secret value, and of its common encodings, becomes `[REDACTED]`.
 *
 * All patterns (values and encodings) go into one Aho-Corasick automaton, so
 * a text is scanned once, whatever the number of secrets: a dense transition
 * table for the shallow states (where a scan of ordinary text spends nearly
 * all its time), goto and failure links for the deeper ones. Strings are
 * scanned by UTF-16 code unit; streams by byte, with a second automaton over
 * the UTF-8 bytes of the same patterns. Each is built on first use.
 *
 * Rule for what is replaced: the set of characters covered by at least one
 * occurrence of a pattern; each maximal run of covered characters becomes
 * one `[REDACTED]`, so overlapping, nested and adjacent occurrences become a
 * single placeholder.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { inspect } from 'node:util';
import { REDACTED } from '../dto/redacted';

/** Values shorter than this many characters (UTF-16 code units) are not masked. */
export const MASK_MIN_LENGTH = 8;

/**
 * Values longer than this many characters get no {@link extraForms}: those
 * are some 20 times a value's length, so a 1 MiB value (the largest file)
 * would take another 360 MB and 2.5 s to build.
 */
export const EXTRA_FORMS_MAX_LENGTH = 64 * 1024;

/**
 * The forms of `value` that are masked: itself and its common encodings, each
 * once — base64 and base64url of its UTF-8 bytes, each with and without
 * padding; hex in lower and upper case; `encodeURIComponent` (left out for a
 * value with a lone surrogate, which it cannot encode); and the JSON string
 * escape, as the value appears inside a JSON log line.
 *
 * @example encodings('p@ss w0rd!') // ['p@ss w0rd!', 'cEBzcyB3MHJkIQ==', 'cEBzcyB3MHJkIQ', …, 'p%40ss%20w0rd!']
 */
export function encodings(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const base64 = bytes.toString('base64');
  const base64url = bytes.toString('base64url');
  const hex = bytes.toString('hex');
  const forms = [
    value,
    base64,
    base64.replace(/=+$/, ''),
    base64url,
    `${base64url}${'='.repeat((4 - (base64url.length % 4)) % 4)}`,
    hex,
    hex.toUpperCase(),
  ];
  const uri = uriComponent(value);
  if (uri !== undefined) forms.push(uri);
  forms.push(JSON.stringify(value).slice(1, -1));
  return [...new Set(forms)];
}

/**
 * The forms {@link Masker} adds to {@link encodings} with `extraForms`: the
 * value inside a longer base64 text ({@link withinBase64}), in URLs
 * ({@link urlForms}), as its bytes print ({@link byteForms}) and escaped
 * twice ({@link escapedTwice}).
 */
export function extraForms(value: string): string[] {
  return [...withinBase64(value), ...urlForms(value), ...byteForms(value), ...escapedTwice(value)];
}

/**
 * `value` escaped twice, as a JSON text held in a string shows it (a request
 * body logged as a JSON line, or inside an object `util.inspect` prints): the
 * JSON escape of its JSON escape, and its JSON escape as `util.inspect`
 * prints it. None when the JSON escape is the value itself (no `"`, `\\` or
 * control character).
 *
 * @example escapedTwice('a"b') // the texts a\\\"b (JSON in JSON) and a\\"b (inspect of JSON)
 */
export function escapedTwice(value: string): string[] {
  const once = JSON.stringify(value).slice(1, -1);
  if (once === value) return [];
  return [JSON.stringify(once).slice(1, -1), ...inspectedForms(once)];
}

/**
 * `value`'s UTF-8 bytes as a Buffer or a byte array prints: `util.inspect` of
 * a Buffer (`<Buffer 70 61 73 …>`), of a byte array or `Uint8Array`
 * (`[ 112, 97, 115, … ]`), and `JSON.stringify` of a Buffer
 * (`{"type":"Buffer","data":[112,97,115,…]}`).
 *
 * @example byteForms('pass') // ['70 61 73 73', '112, 97, 115, 115', '112,97,115,115']
 */
export function byteForms(value: string): string[] {
  const bytes = [...Buffer.from(value, 'utf8')];
  return [bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(' '), bytes.join(', '), bytes.join(',')];
}

/**
 * `value` in a URL where `encodeURIComponent` is not what encoded it: as a
 * form field (`URLSearchParams`, `application/x-www-form-urlencoded`: a space
 * as `+`, `!'()~` escaped), as an OAuth token request carries a client
 * secret; and as the password of a URL (`url.password = value`: `$&+,!` kept),
 * as in a database connection string. None for a value with a lone surrogate.
 *
 * @example urlForms("it's (a) pa$s:w@rd") // ['it%27s+%28a%29+pa%24s%3Aw%40rd', "it's%20(a)%20pa$s%3Aw%40rd"]
 */
export function urlForms(value: string): string[] {
  if (!isWellFormed(value)) return [];
  const url = new URL('http://host');
  url.password = value;
  return [new URLSearchParams([['', value]]).toString().slice(1), url.password];
}

/**
 * `value` inside a longer base64 (or base64url) text, as in the `Basic` header
 * of `user:password`: its UTF-8 bytes may start at any of the three offsets
 * of a 3-byte group, and the characters at either end of its run also carry
 * bits of the neighbouring bytes. So for each offset, only the characters
 * that its bytes alone determine; the one or two characters left at each end
 * hold at most 4 bits of it.
 *
 * @example withinBase64('password') // ['cGFzc3dvcm', 'Bhc3N3b3Jk', 'wYXNzd29yZ'], and the base64url ones where they differ
 */
export function withinBase64(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms = new Set<string>();
  for (let shift = 0; shift < 3; shift++) {
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes]);
    // Character j stands for bits [6j, 6j + 6); the value's bits are [8 shift, 8 (shift + length)).
    const first = Math.ceil((8 * shift) / 6);
    const end = Math.floor((8 * (shift + bytes.length)) / 6);
    forms.add(shifted.toString('base64').slice(first, end));
    forms.add(shifted.toString('base64url').slice(first, end));
  }
  return [...forms];
}

/**
 * How `util.inspect` prints `value` inside an object, where it differs from
 * `value` and its JSON escape: escaped (control characters, `\\`, lone
 * surrogates), and also with `'` as `\\'`, as in a string that holds all
 * three kinds of quotes (inspect picks the quotes by the whole string). Whole:
 * not cut at 10,000 characters nor split at line breaks.
 *
 * @example inspectedForms(`it's\x1b`) // ["it's\\x1B", "it\\'s\\x1B"]
 */
export function inspectedForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const forms = new Set([quoted(value).slice(1, -1), quoted(`"\`${value}`).slice(3, -1)]);
  return [...forms].filter((form) => form !== value && form !== json);
}

function quoted(text: string): string {
  return inspect(text, { maxStringLength: Infinity, breakLength: Infinity, compact: true });
}

function uriComponent(value: string): string | undefined {
  try {
    return encodeURIComponent(value);
  } catch {
    return undefined; // URIError: a lone surrogate
  }
}

/**
 * Masks a fixed set of secret values. Build once per set of values; `mask`
 * and `createStream` are then linear in the text, for any number of values.
 *
 * A pattern that is part of `[REDACTED]` itself (the value `REDACTED`) is not
 * masked: it would mask the placeholder. Masking is idempotent
 * (`mask(mask(t)) === mask(t)`) except for a value that begins with the end
 * of the placeholder or ends with its beginning (`D]…`, `…[RE`): the
 * placeholder plus the text next to it can spell such a value anew.
 *
 * @example
 * const masker = new Masker(['hunter2hunter2']);
 * masker.mask('password=hunter2hunter2'); // 'password=[REDACTED]'
 * masker.mask('aHVudGVyMmh1bnRlcjI='); // '[REDACTED]' (its base64)
 */
export class Masker {
  readonly #patterns: string[];
  #text: Automaton | undefined;
  #bytes: Automaton | undefined;
  /** Reused by every `mask` call (which runs to completion): no allocation for text without secrets. */
  readonly #found = new Intervals();

  /**
   * @param values secret values; those shorter than {@link MASK_MIN_LENGTH} are ignored.
   * @param options.extraForms also mask each value of at most {@link EXTRA_FORMS_MAX_LENGTH} characters in its {@link extraForms}.
   */
  constructor(values: Iterable<string>, options: { extraForms?: boolean } = {}) {
    const patterns = new Set<string>();
    for (const value of values) {
      if (typeof value !== 'string' || value.length < MASK_MIN_LENGTH) continue;
      for (const form of encodings(value)) if (!REDACTED.includes(form)) patterns.add(form);
      if (options.extraForms && value.length <= EXTRA_FORMS_MAX_LENGTH) {
        for (const form of extraForms(value)) if (!REDACTED.includes(form)) patterns.add(form);
      }
    }
    this.#patterns = [...patterns];
  }

  /** How many distinct patterns (values and encodings) are masked. */
  get size(): number {
    return this.#patterns.length;
  }

  /**
   * `text` with every occurrence of every pattern replaced by `[REDACTED]`
   * (overlapping and adjacent occurrences become one). Text without any is
   * returned as is (the same string).
   */
  mask(text: string): string {
    if (this.#patterns.length === 0 || text.length < MASK_MIN_LENGTH) return text;
    const automaton = (this.#text ??= buildAutomaton([...this.#patterns].sort().map(codeUnits), 0x10000));
    const found = this.#found;
    scanText(automaton, text, 0, 0, found);
    const { starts, ends } = found;
    if (starts.length === 0) return text;
    let out = '';
    let at = 0;
    for (let k = 0; k < starts.length; k++) {
      out += text.slice(at, starts[k]) + REDACTED;
      at = ends[k]!;
    }
    found.clear();
    return out + text.slice(at);
  }

  /**
   * A byte stream transform that masks what passes through it, as `mask`
   * does on the decoded text, also values split across chunks. Each chunk is
   * passed on at once except its last bytes while they may still begin a
   * pattern (at most the longest pattern's length); those follow with the
   * next chunk or at the end. Bytes outside a match pass through unchanged,
   * so binary and split UTF-8 are safe. Patterns with a lone surrogate,
   * which UTF-8 cannot carry, are left out.
   */
  createStream(): Transform {
    this.#bytes ??= buildAutomaton(
      this.#patterns
        .filter(isWellFormed)
        .map((pattern) => Buffer.from(pattern, 'utf8'))
        .sort(Buffer.compare),
      0x100,
    );
    return new MaskingStream(this.#bytes);
  }
}

function codeUnits(text: string): Uint16Array {
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return units;
}

function isWellFormed(text: string): boolean {
  return Buffer.from(text, 'utf8').toString('utf8') === text;
}

/**
 * Match intervals, found in order of their end, merged on the fly into
 * disjoint, non-adjacent `[start, end)` intervals sorted by position. A
 * later match can reach back over earlier ones (a long value containing
 * shorter ones): it swallows them.
 */
class Intervals {
  readonly starts: number[] = [];
  readonly ends: number[] = [];

  add(start: number, end: number): void {
    const { starts, ends } = this;
    while (starts.length > 0 && start <= ends[ends.length - 1]!) {
      start = Math.min(start, starts.pop()!);
      ends.pop();
    }
    starts.push(start);
    ends.push(end);
  }

  clear(): void {
    this.starts.length = 0;
    this.ends.length = 0;
  }
}

/**
 * Size limit of an automaton's transition table, in entries (4 bytes each):
 * the states beyond it use goto + failure links. Ordinary text visits only
 * shallow states (on log text with 1,000 secrets, limits from 256 KiB to
 * 32 MiB measured the same); a line that holds a secret walks its whole
 * chain, which 8 MiB keeps in the table for about 100 secrets (a logged line
 * with a 48-character secret: 0.42 µs at 2 MiB, 0.31 µs at 8 MiB). Only the
 * states that exist are allocated: a few secrets take a few KiB.
 */
let denseEntries = 1 << 21;

/**
 * @internal Sets the table limit for automata built from now on and returns
 * the previous one: tests set it tiny to run the goto + failure link path.
 */
export function setTableLimit(entries: number): number {
  const previous = denseEntries;
  denseEntries = entries;
  return previous;
}

/**
 * An Aho-Corasick automaton over code units (UTF-16 units or bytes). States
 * are numbered breadth-first, so the children of a state are consecutive
 * and every failure link points to a smaller number. States below `dense`
 * have a full row in `table`; each entry is the next state as its row offset
 * (`state * width`, ≥ 0) when that state is dense and ends no pattern, else
 * `~state` (< 0), which sends the scan to the slow path.
 */
interface Automaton {
  /** Code unit → class: 1… for units that occur in a pattern (in unit order), 0 for the rest. */
  readonly classes: Int32Array;
  /** Number of classes, 0 included: the length of a table row. */
  readonly width: number;
  readonly dense: number;
  readonly table: Int32Array;
  /** Children of state `s` are the states `firstChild[s]` up to `firstChild[s + 1]`, by class. */
  readonly firstChild: Int32Array;
  /** Class of the unit leading into each state. */
  readonly edge: Int32Array;
  readonly fail: Int32Array;
  /** Length of the longest pattern that ends at each state, 0 for none. */
  readonly longest: Int32Array;
  /** Length of the prefix each state stands for: how far back a match through it can start. */
  readonly depth: Int32Array;
}

/**
 * @param patterns distinct, sorted by code unit (as `Array.prototype.sort`
 *   orders strings and `Buffer.compare` orders buffers)
 * @param unitCount 0x10000 for UTF-16 code units, 0x100 for bytes
 */
function buildAutomaton(patterns: ArrayLike<number>[], unitCount: number): Automaton {
  const { classes, width, total } = unitClasses(patterns, unitCount);
  const { count, parentOf, edgeOf, depthOf, ends } = buildTrie(patterns, classes, total);
  const edge = edgeOf.slice(0, count);
  const depth = depthOf.slice(0, count);
  const firstChild = new Int32Array(count + 1);
  let next = 0;
  for (let s = 1; s < count; s++) while (next <= parentOf[s]!) firstChild[next++] = s;
  while (next <= count) firstChild[next++] = count;

  const dense = Math.max(1, Math.min(count, Math.floor(denseEntries / width)));
  const table = new Int32Array(dense * width);
  const fail = new Int32Array(count);
  const longest = new Int32Array(count);
  const automaton: Automaton = { classes, width, dense, table, firstChild, edge, fail, longest, depth };
  for (let s = 0; s < count; s++) {
    const row = s * width;
    if (s > 0 && s < dense) table.copyWithin(row, fail[s]! * width, fail[s]! * width + width);
    for (let child = firstChild[s]!; child < firstChild[s + 1]!; child++) {
      const target = s === 0 ? 0 : stateOf(automaton, step(automaton, fail[s]!, edge[child]!));
      fail[child] = target;
      longest[child] = ends[child] ? depth[child]! : longest[target]!;
      if (s < dense) table[row + edge[child]!] = child < dense && longest[child] === 0 ? child * width : ~child;
    }
  }
  return automaton;
}

/**
 * Numbers the units the patterns use 1, 2, … in unit order (0 for every
 * other unit), so that a table row is as wide as the units in use.
 */
function unitClasses(
  patterns: ArrayLike<number>[],
  unitCount: number,
): { classes: Int32Array; width: number; total: number } {
  const classes = new Int32Array(unitCount);
  let total = 0;
  for (const pattern of patterns) {
    for (let i = 0; i < pattern.length; i++) classes[pattern[i]!] = 1;
    total += pattern.length;
  }
  let width = 1;
  for (let unit = 0; unit < unitCount; unit++) if (classes[unit] !== 0) classes[unit] = width++;
  return { classes, width, total };
}

/**
 * The trie, built breadth-first: the states at depth d + 1 are the distinct
 * prefixes of length d + 1, which sorted patterns list in order, each new one
 * where a pattern shares fewer than d + 1 units with the previous pattern. So
 * states come out breadth-first, the children of a state consecutive and by
 * class, with no renumbering. Arrays are sized for `total` units; `count`
 * states are used.
 */
function buildTrie(patterns: ArrayLike<number>[], classes: Int32Array, total: number) {
  const common = new Int32Array(patterns.length);
  for (let j = 1; j < patterns.length; j++) {
    const a = patterns[j - 1]!;
    const b = patterns[j]!;
    const shorter = Math.min(a.length, b.length);
    let c = 0;
    while (c < shorter && a[c] === b[c]) c++;
    common[j] = c;
  }
  const parentOf = new Int32Array(total + 1);
  const edgeOf = new Int32Array(total + 1);
  const depthOf = new Int32Array(total + 1);
  const ends = new Uint8Array(total + 1);
  /** The state of each pattern's prefix of the current depth. */
  const at = new Int32Array(patterns.length);
  /** The patterns longer than the current depth, in order. */
  const active = Int32Array.from(patterns.keys());
  let activeCount = patterns.length;
  let count = 1;
  for (let d = 0; activeCount > 0; d++) {
    let kept = 0;
    for (let k = 0; k < activeCount; k++) {
      const j = active[k]!;
      const pattern = patterns[j]!;
      let state: number;
      if (common[j]! > d) {
        state = at[j - 1]!; // the previous pattern's, already at depth d + 1
      } else {
        state = count++;
        parentOf[state] = at[j]!;
        edgeOf[state] = classes[pattern[d]!]!;
        depthOf[state] = d + 1;
      }
      at[j] = state;
      if (pattern.length === d + 1) ends[state] = 1;
      else active[kept++] = j;
    }
    activeCount = kept;
  }
  return { count, parentOf, edgeOf, depthOf, ends };
}

/** The next state from `state` on class `cls`, as a table entry (see {@link Automaton}). */
function step(automaton: Automaton, state: number, cls: number): number {
  const { dense, table, width, firstChild, edge, fail } = automaton;
  if (cls === 0) return 0;
  for (;;) {
    if (state < dense) return table[state * width + cls]!;
    let lo = firstChild[state]!;
    let hi = firstChild[state + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = edge[mid]!;
      if (at === cls) return ~mid;
      if (at < cls) lo = mid + 1;
      else hi = mid;
    }
    state = fail[state]!;
  }
}

function stateOf(automaton: Automaton, entry: number): number {
  return entry >= 0 ? entry / automaton.width : ~entry;
}

/**
 * Runs `automaton` over `input` from `state`, adding every match to `found`
 * (positions offset by `base`); returns the state at the end. The inner loop
 * is the whole cost for ordinary text: one class lookup and one table lookup
 * per unit, leaving it only for a match or a deep state. scanText and
 * scanBytes are the same loop; two copies keep each monomorphic.
 */
function scanText(automaton: Automaton, input: string, state: number, base: number, found: Intervals): number {
  const { classes, table, width, dense, longest, firstChild, edge } = automaton;
  const n = input.length;
  let i = 0;
  let entry: number;
  for (;;) {
    if (state < dense) {
      let row = state * width;
      for (;;) {
        if (i === n) return row / width;
        entry = table[row + classes[input.charCodeAt(i++)]!]!;
        if (entry < 0) break;
        row = entry;
      }
    } else {
      if (i === n) return state;
      const cls = classes[input.charCodeAt(i++)]!;
      // A deep state is nearly always one link of a single pattern's chain: its
      // one child is checked here, without a call.
      const child = firstChild[state]!;
      entry = firstChild[state + 1] === child + 1 && edge[child] === cls ? ~child : step(automaton, state, cls);
      if (entry >= 0) {
        state = entry / width;
        continue;
      }
    }
    state = ~entry;
    const length = longest[state]!;
    if (length !== 0) found.add(base + i - length, base + i);
  }
}

function scanBytes(automaton: Automaton, input: Uint8Array, state: number, base: number, found: Intervals): number {
  const { classes, table, width, dense, longest, firstChild, edge } = automaton;
  const n = input.length;
  let i = 0;
  let entry: number;
  for (;;) {
    if (state < dense) {
      let row = state * width;
      for (;;) {
        if (i === n) return row / width;
        entry = table[row + classes[input[i++]!]!]!;
        if (entry < 0) break;
        row = entry;
      }
    } else {
      if (i === n) return state;
      const cls = classes[input[i++]!]!;
      // A deep state is nearly always one link of a single pattern's chain: its
      // one child is checked here, without a call.
      const child = firstChild[state]!;
      entry = firstChild[state + 1] === child + 1 && edge[child] === cls ? ~child : step(automaton, state, cls);
      if (entry >= 0) {
        state = entry / width;
        continue;
      }
    }
    state = ~entry;
    const length = longest[state]!;
    if (length !== 0) found.add(base + i - length, base + i);
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * The byte stream of {@link Masker.createStream}. Positions are counted from
 * the start of the stream. Everything before `emitted` has been passed on;
 * the bytes from `emitted` to the end of the input so far are `held`. After
 * each chunk, everything before `safe` (the end minus the depth of the
 * automaton's state: no match still to come can start earlier) is passed on,
 * with the matches found so far that start there replaced.
 */
class MaskingStream extends Transform {
  readonly #automaton: Automaton;
  readonly #found = new Intervals();
  #state = 0;
  /** Position just after the input so far. */
  #end = 0;
  #emitted = 0;
  /** End of the last replaced interval: a match that starts there or before continues it. */
  #covered = -1;
  #held: Buffer = EMPTY;

  constructor(automaton: Automaton) {
    super();
    this.#automaton = automaton;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#state = scanBytes(this.#automaton, chunk, this.#state, this.#end, this.#found);
    this.#end += chunk.length;
    this.#release(chunk, this.#end - this.#automaton.depth[this.#state]!);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.#release(EMPTY, this.#end);
    callback();
  }

  /** Passes on everything before `safe`; `chunk` is the input's last chunk. */
  #release(chunk: Buffer, safe: number): void {
    const pieces: Buffer[] = [];
    const { starts, ends } = this.#found;
    let k = 0;
    for (; k < starts.length && starts[k]! <= safe; k++) {
      const start = starts[k]!;
      if (start > this.#covered) {
        if (start > this.#emitted) pieces.push(this.#slice(chunk, this.#emitted, start));
        pieces.push(Buffer.from(REDACTED));
      }
      this.#emitted = ends[k]!;
      this.#covered = ends[k]!;
    }
    if (k > 0) {
      starts.splice(0, k);
      ends.splice(0, k);
    }
    if (this.#emitted < safe) {
      pieces.push(this.#slice(chunk, this.#emitted, safe));
      this.#emitted = safe;
    }
    this.#held = this.#emitted < this.#end ? Buffer.from(this.#slice(chunk, this.#emitted, this.#end)) : EMPTY;
    if (pieces.length === 1) this.push(pieces[0]);
    else if (pieces.length > 1) this.push(Buffer.concat(pieces));
  }

  /** The input from `from` to `to`, out of what is held and `chunk` (still as it was before `#release`). */
  #slice(chunk: Buffer, from: number, to: number): Buffer {
    const chunkStart = this.#end - chunk.length;
    if (from >= chunkStart) return chunk.subarray(from - chunkStart, to - chunkStart);
    const heldStart = chunkStart - this.#held.length;
    if (to <= chunkStart) return this.#held.subarray(from - heldStart, to - heldStart);
    return Buffer.concat([this.#held.subarray(from - heldStart), chunk.subarray(0, to - chunkStart)]);
  }
}
