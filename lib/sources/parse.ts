/**
 * The parse stage: decoded text of a secrets file → sections of templates.
 * The dialect is deliberately smaller than common INI readers: a secret is
 * taken exactly as written (no inline comments in unquoted values, no type
 * coercion, no nested sections), and everything ambiguous is an error.
 */
import { isPresentableName, ProblemCollector, type SecretsProblem } from '../errors';
import { RESERVED_NAMES } from '../reserved-names';
import type { ParsedEntry, ParsedFile, ParsedSection, Template } from '../model';
import { scanDoubleQuoted, scanUnquoted, type ScanContext } from './template';

/**
 * Parses the text of a secrets INI file (already decoded; BOM and encoding are
 * the read stage's job).
 *
 * Grammar (see README, "The secrets INI dialect"): CRLF, CR and LF end lines;
 * lines are trimmed of spaces and tabs only; `#`/`;` lines are comments;
 * `[name]` starts a section (name literal, dots allowed); `key = value` splits
 * at the first `=`; values are unquoted (interpolated, no inline comment),
 * `"double-quoted"` (JSON escapes + interpolation) or `'single-quoted'`
 * (literal). Interpolation syntax is scanned here ({@link scanUnquoted},
 * {@link scanDoubleQuoted}); variables are looked up by a later stage.
 *
 * Runs in time linear in the length of `text`.
 *
 * @param text the decoded file contents
 * @param file path put into every problem (for messages only)
 * @returns sections and their entries in file order, in `Map`s
 * @throws {SecretsError} with every problem of the file (codes `SYNTAX`,
 *   `DUPLICATE_SECTION`, `DUPLICATE_KEY`, `RESERVED_NAME`, `BAD_REFERENCE`);
 *   never anything else, whatever the input. Messages never quote the text of
 *   a line.
 */
export function parseIni(text: string, file?: string): ParsedFile {
  const problems = new ProblemCollector();
  const sections = new Map<string, ParsedSection>();
  /** Lower-cased section name → first header, for case-insensitive duplicates. */
  const sectionsByLowerName = new Map<string, { name: string; line: number }>();
  let current: SectionBuilder | undefined;

  const lines = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!;
    const lineNumber = index + 1;
    const first = skipBlanks(raw, 0);
    if (first === raw.length) continue;
    const c = raw[first];
    if (c === '#' || c === ';') continue;

    const report: Report = (problem) => addProblem(problems, file, lineNumber, problem);
    if (c === '[') {
      current = readSectionHeader(raw, first, lineNumber, report, sections, sectionsByLowerName);
      continue;
    }
    readEntry(raw, first, lineNumber, file, current, problems, report);
  }

  problems.throwIfAny();
  return { sections };
}

/**
 * Where the following keys go. After a wrong header the builder is a
 * stand-in that is not part of the result: its keys are still checked, but
 * not against the keys of the section it duplicates (one mistake, one
 * problem), and they are not reported as "before any section".
 */
interface SectionBuilder {
  readonly name: string | undefined;
  readonly entries: Map<string, ParsedEntry>;
  /** Lower-cased key → first definition, for case-insensitive duplicates. */
  readonly byLowerKey: Map<string, { key: string; line: number }>;
}

/** A problem of the current line; fields that are `undefined` are left out. */
type Report = (problem: LineProblem) => void;

interface LineProblem {
  readonly code: SecretsProblem['code'];
  readonly message: string;
  readonly column?: number | undefined;
  readonly section?: string | undefined;
  readonly key?: string | undefined;
}

function addProblem(problems: ProblemCollector, file: string | undefined, line: number, p: LineProblem): void {
  problems.add({
    code: p.code,
    ...(file !== undefined && { file }),
    line,
    ...(p.column !== undefined && { column: p.column }),
    ...(p.section !== undefined && { section: p.section }),
    // A value line pasted or wrapped into the file parses as a key: show only name-like keys.
    ...(p.key !== undefined && isPresentableName(p.key) && { key: p.key }),
    message: p.message,
  });
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** First index at or after `from` that is not a space or tab. */
function skipBlanks(text: string, from: number): number {
  let i = from;
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** Index just after the last character before `to` that is not a space or tab. */
function trimEnd(text: string, from: number, to: number): number {
  let i = to;
  while (i > from && isBlank(text.charCodeAt(i - 1))) i--;
  return i;
}

/** True when only blanks, then optionally a `#`/`;` comment, remain from `from`. */
function onlyCommentFollows(raw: string, from: number): { ok: true } | { ok: false; at: number } {
  const at = skipBlanks(raw, from);
  if (at === raw.length || raw[at] === '#' || raw[at] === ';') return { ok: true };
  return { ok: false, at };
}

function readSectionHeader(
  raw: string,
  open: number,
  lineNumber: number,
  report: Report,
  sections: Map<string, ParsedSection>,
  sectionsByLowerName: Map<string, { name: string; line: number }>,
): SectionBuilder {
  const discard = (name: string | undefined): SectionBuilder => ({
    name,
    entries: new Map(),
    byLowerKey: new Map(),
  });

  const close = raw.indexOf(']', open + 1);
  if (close < 0) {
    report({ code: 'SYNTAX', column: open + 1, message: 'section header is missing "]"' });
    return discard(undefined);
  }
  const nameStart = skipBlanks(raw, open + 1);
  const name = raw.slice(nameStart, trimEnd(raw, nameStart, close));

  const after = onlyCommentFollows(raw, close + 1);
  if (!after.ok) {
    report({
      code: 'SYNTAX',
      column: after.at + 1,
      message: 'only a "#" or ";" comment may follow the "]" of a section header',
    });
    return discard(undefined);
  }
  if (name === '') {
    report({ code: 'SYNTAX', column: open + 1, message: 'section name may not be empty' });
    return discard(undefined);
  }
  if (RESERVED_NAMES.has(name)) {
    report({ code: 'RESERVED_NAME', section: name, message: `"${name}" is a reserved name` });
    return discard(name);
  }
  const lower = name.toLowerCase();
  const earlier = sectionsByLowerName.get(lower);
  if (earlier) {
    report({
      code: 'DUPLICATE_SECTION',
      section: name,
      message:
        earlier.name === name
          ? `duplicate section (first defined on line ${earlier.line})`
          : `section name differs only by case from [${earlier.name}] on line ${earlier.line}`,
    });
    return discard(name);
  }

  const builder: SectionBuilder = { name, entries: new Map(), byLowerKey: new Map() };
  sectionsByLowerName.set(lower, { name, line: lineNumber });
  sections.set(name, { name, line: lineNumber, entries: builder.entries });
  return builder;
}

/** Keys are identifiers for `section.key` paths and DTO properties. */
const INVALID_KEY_CHARACTER = /[\s.[\]]/;

function readEntry(
  raw: string,
  first: number,
  lineNumber: number,
  file: string | undefined,
  section: SectionBuilder | undefined,
  problems: ProblemCollector,
  report: Report,
): void {
  const equals = raw.indexOf('=', first);
  // The problems below carry no `key` until the key is known to be well
  // formed: a line that is not `key = value` may be a pasted secret.
  if (equals < 0) {
    report({ code: 'SYNTAX', message: 'expected "key = value"', section: section?.name });
    return;
  }
  if (section === undefined) {
    report({ code: 'SYNTAX', message: 'key before any section' });
    return;
  }
  const key = raw.slice(first, trimEnd(raw, first, equals));
  if (key === '') {
    report({ code: 'SYNTAX', column: first + 1, message: 'key may not be empty', section: section.name });
    return;
  }
  if (INVALID_KEY_CHARACTER.test(key)) {
    report({
      code: 'SYNTAX',
      column: first + 1,
      message: 'key may not contain ".", "[", "]" or whitespace',
      section: section.name,
    });
    return;
  }

  const inSection = { section: section.name, key };
  const keep = claimKey(section, key, lineNumber, inSection, report);

  // The value is scanned even when the entry is dropped, so that every
  // problem of the file is reported in one run.
  // Undefined fields are fine here: the scanner leaves them out of problems.
  const ctx: ScanContext = { problems, file, line: lineNumber, section: section.name, key };
  const template = readValue(raw, equals + 1, ctx, report, inSection);
  if (keep && template !== undefined) {
    section.entries.set(key, { key, line: lineNumber, template });
  }
}

/**
 * Whether the entry `key` may be added to `section` (recording it for later
 * duplicate checks); reports `RESERVED_NAME` and `DUPLICATE_KEY` otherwise.
 */
function claimKey(
  section: SectionBuilder,
  key: string,
  lineNumber: number,
  inSection: { section: string | undefined; key: string },
  report: Report,
): boolean {
  if (RESERVED_NAMES.has(key)) {
    report({ code: 'RESERVED_NAME', ...inSection, message: `"${key}" is a reserved name` });
    return false;
  }
  const lower = key.toLowerCase();
  const earlier = section.byLowerKey.get(lower);
  if (earlier) {
    report({
      code: 'DUPLICATE_KEY',
      ...inSection,
      message:
        earlier.key === key
          ? `duplicate key (first defined on line ${earlier.line})`
          : isPresentableName(earlier.key)
            ? `key differs only by case from "${earlier.key}" on line ${earlier.line}`
            : `key differs only by case from the key on line ${earlier.line}`,
    });
    return false;
  }
  section.byLowerKey.set(lower, { key, line: lineNumber });
  return true;
}

/** Reads the value after the `=`; `undefined` when it is malformed. */
function readValue(
  raw: string,
  from: number,
  ctx: ScanContext,
  report: Report,
  inSection: { section: string | undefined; key: string },
): Template | undefined {
  const start = skipBlanks(raw, from);
  const quote = raw[start];

  if (quote === '"') {
    const { template, end } = scanDoubleQuoted(raw, start, ctx);
    if (end === undefined) {
      report({ code: 'SYNTAX', column: start + 1, message: 'unterminated double quote', ...inSection });
      return undefined;
    }
    return afterClosingQuote(raw, end, report, inSection) ? template : undefined;
  }

  if (quote === "'") {
    const close = raw.indexOf("'", start + 1);
    if (close < 0) {
      report({ code: 'SYNTAX', column: start + 1, message: 'unterminated single quote', ...inSection });
      return undefined;
    }
    const literal = raw.slice(start + 1, close);
    return afterClosingQuote(raw, close + 1, report, inSection) ? (literal ? [literal] : []) : undefined;
  }

  const end = trimEnd(raw, start, raw.length);
  return scanUnquoted(raw.slice(start, end), start + 1, ctx);
}

function afterClosingQuote(
  raw: string,
  from: number,
  report: Report,
  inSection: { section: string | undefined; key: string },
): boolean {
  const after = onlyCommentFollows(raw, from);
  if (after.ok) return true;
  report({
    code: 'SYNTAX',
    column: after.at + 1,
    message: 'only a "#" or ";" comment may follow the closing quote',
    ...inSection,
  });
  return false;
}
