/**
 * The editor `edit` opens, chosen and split as git does — without a shell.
 * Git hands an editor string holding shell metacharacters to `sh -c`; we
 * split it with shell-quote (POSIX quoting) and refuse what only a shell can
 * run (pipes, `$`, `;`, redirections, globs…) rather than run it wrongly.
 */
import type * as shellQuote from 'shell-quote';
import { ownString, type Environment } from '../environment-variables';
import { CliError } from './context';

/** A program and its arguments, run without a shell. */
export interface CommandLine {
  readonly command: string;
  readonly args: readonly string[];
}

/** The editor string and where it came from (`VISUAL`, `EDITOR`, or `undefined` for the default). */
export interface ChosenEditor {
  readonly text: string;
  readonly variable: 'VISUAL' | 'EDITOR' | undefined;
  /**
   * Whether npm put `EDITOR` there: under `npx` / `npm exec` / `npm run`
   * (`npm_execpath` is set), npm always sets `EDITOR` from its `editor`
   * config (default: the caller's `EDITOR`, else `VISUAL`, else `vi`).
   */
  readonly fromNpm?: boolean;
}

/**
 * Where the editor string came from, with the string, as the subject of a
 * message: `$VISUAL (code --wait)`, `$EDITOR (vi)`,
 * `$EDITOR (vi), which npm sets from its \`editor\` config,` or
 * `the default editor (vi)`.
 */
export function describeEditor(editor: ChosenEditor): string {
  if (editor.variable === undefined) return `the default editor (${editor.text})`;
  const npm = editor.fromNpm ? ', which npm sets from its `editor` config,' : '';
  return `$${editor.variable} (${editor.text})${npm}`;
}

/** The editor when neither variable is set: `vi`, or `notepad` on Windows (which has no `vi`). */
export function defaultEditor(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'notepad' : 'vi';
}

/**
 * Git's order: `VISUAL` (skipped when `TERM=dumb`), then `EDITOR`, then
 * {@link defaultEditor}. An empty variable counts as unset. Under npm
 * (`npm_execpath` set) `EDITOR` is npm's `editor` config: `fromNpm` says so.
 *
 * @throws CliError when `TERM=dumb` and `EDITOR` is unset (as git: a dumb
 *   terminal cannot run `vi`)
 */
export function chooseEditor(env: Environment, platform: NodeJS.Platform = process.platform): ChosenEditor {
  const dumb = ownString(env, 'TERM') === 'dumb';
  const visual = dumb ? undefined : ownString(env, 'VISUAL');
  if (visual !== undefined) return { text: visual, variable: 'VISUAL' };
  const editor = ownString(env, 'EDITOR');
  if (editor !== undefined) {
    const fromNpm = ownString(env, 'npm_execpath') !== undefined;
    return fromNpm ? { text: editor, variable: 'EDITOR', fromNpm } : { text: editor, variable: 'EDITOR' };
  }
  if (dumb) throw new CliError('edit: the terminal is dumb (TERM=dumb) and EDITOR is not set; set EDITOR.');
  return { text: defaultEditor(platform), variable: undefined };
}

/**
 * The command line that opens `file` in `editor`: its words, split as a
 * POSIX shell splits them (quotes and backslash escapes), `file` appended as
 * the last argument. On Windows (`platform` `win32`) a backslash is a path
 * separator, never an escape: `"C:\Program Files\Notepad++\notepad++.exe" -multiInst`.
 *
 * @example editorCommandLine({ text: 'code --wait', variable: 'EDITOR' }, '/tmp/x.ini', 'linux') // => { command: 'code', args: ['--wait', '/tmp/x.ini'] }
 * @throws CliError naming the first character that needs a shell (`|`, `&`,
 *   `;`, `<`, `>`, `(`, `)`, `$`, a backtick, `*`, `?`, `[`, `]`, `{`, `}`,
 *   `#`, a newline, `~` starting a word, `NAME=` as the first word) or an
 *   unterminated quote, or when the string holds no command
 */
export function editorCommandLine(editor: ChosenEditor, file: string, platform: NodeJS.Platform): CommandLine {
  const windows = platform === 'win32';
  const problem = needsShell(editor.text, windows);
  const refuse = (why: string) =>
    new CliError(
      `edit: ${describeEditor(editor)} ${why}; ` +
        'edit runs the editor without a shell: set it to a program and its arguments, or to a script.',
    );
  if (problem) throw refuse(problem);
  // Loaded on first use: only `edit` splits an editor string.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('shell-quote') as typeof shellQuote;
  // shell-quote reads backslashes as POSIX escapes: on Windows, double them so each stays one.
  const words = parse(windows ? literalBackslashes(editor.text) : editor.text, (name) => {
    throw refuse(`uses $${name}`); // unreachable: needsShell refuses every "$"
  });
  const strings = words.filter((word): word is string => typeof word === 'string');
  if (strings.length !== words.length) throw refuse('needs a shell');
  const [command, ...args] = strings;
  if (command === undefined || command === '') throw refuse('names no command');
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(command)) throw refuse('starts with a variable assignment, which needs a shell');
  return { command, args: [...args, file] };
}

/** Characters a shell gives a meaning outside quotes (the backtick and `$` also inside double quotes). */
const UNQUOTED_SPECIAL = new Set([...'|&;<>()*?[]{}#\n']);

/** Why `text` needs a shell (the first reason), or `undefined`. */
function needsShell(text: string, windows: boolean): string | undefined {
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      continue;
    }
    if (c === '\\' && !windows) {
      i++; // the escaped character is literal (in double quotes too, where it matters)
      continue;
    }
    if (c === '$' || c === '`') return `uses ${c === '$' ? '"$"' : 'a backtick'}, which needs a shell`;
    if (quote === '"') {
      if (c === '"') quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (UNQUOTED_SPECIAL.has(c)) return `uses ${c === '\n' ? 'a newline' : `"${c}"`}, which needs a shell`;
    else if (c === '~' && (i === 0 || /\s/.test(text[i - 1]!))) return 'starts a word with "~", which needs a shell';
  }
  return quote ? 'has an unterminated quote' : undefined;
}

/** `text` with every backslash outside single quotes doubled. */
function literalBackslashes(text: string): string {
  let quote: '"' | "'" | undefined;
  let out = '';
  for (const c of text) {
    if (quote === undefined && (c === '"' || c === "'")) quote = c;
    else if (c === quote) quote = undefined;
    out += c === '\\' && quote !== "'" ? '\\\\' : c;
  }
  return out;
}
