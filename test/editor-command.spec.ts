import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError } from '../lib/cli/context';
import { chooseEditor, describeEditor, editorCommandLine, type ChosenEditor } from '../lib/cli/editor-command';
import { tempDir } from './helpers/cli';

const FILE = '/tmp/nest-secrets-edit-1-x/production-secrets.ini';
const WINDOWS_FILE = 'C:\\Users\\me\\AppData\\Local\\Temp\\nest-secrets-edit-1-x\\production-secrets.ini';
const fromEditor = (text: string): ChosenEditor => ({ text, variable: 'EDITOR' });

/** The CliError message `editorCommandLine` throws, or 'no error'. */
function refusal(text: string, platform: NodeJS.Platform = 'linux'): string {
  try {
    editorCommandLine(fromEditor(text), FILE, platform);
    return 'no error';
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return (error as CliError).message;
  }
}

describe('chooseEditor: git order', () => {
  it('VISUAL, then EDITOR, then vi (notepad on Windows); empty counts as unset', () => {
    expect(chooseEditor({ VISUAL: 'code --wait', EDITOR: 'vim' }, 'linux')).toEqual({
      text: 'code --wait',
      variable: 'VISUAL',
    });
    expect(chooseEditor({ VISUAL: '', EDITOR: 'vim' }, 'linux')).toEqual({ text: 'vim', variable: 'EDITOR' });
    expect(chooseEditor({}, 'linux')).toEqual({ text: 'vi', variable: undefined });
    expect(chooseEditor({ EDITOR: '' }, 'win32')).toEqual({ text: 'notepad', variable: undefined });
  });

  it('under npm (npm_execpath set) EDITOR is marked as set by npm', () => {
    expect(chooseEditor({ npm_execpath: '/npm-cli.js', EDITOR: 'vi' }, 'linux')).toEqual({
      text: 'vi',
      variable: 'EDITOR',
      fromNpm: true,
    });
    expect(chooseEditor({ npm_execpath: '/npm-cli.js', VISUAL: 'code --wait', EDITOR: 'vi' }, 'linux')).toEqual({
      text: 'code --wait',
      variable: 'VISUAL',
    });
    expect(describeEditor({ text: 'vi', variable: 'EDITOR', fromNpm: true })).toBe(
      '$EDITOR (vi), which npm sets from its `editor` config,',
    );
    expect(describeEditor({ text: 'vi', variable: undefined })).toBe('the default editor (vi)');
  });

  it('TERM=dumb skips VISUAL, and without EDITOR is an error (as git)', () => {
    expect(chooseEditor({ TERM: 'dumb', VISUAL: 'code --wait', EDITOR: 'ed' }, 'linux')).toEqual({
      text: 'ed',
      variable: 'EDITOR',
    });
    expect(() => chooseEditor({ TERM: 'dumb', VISUAL: 'code --wait' }, 'linux')).toThrow(
      new CliError('edit: the terminal is dumb (TERM=dumb) and EDITOR is not set; set EDITOR.'),
    );
  });
});

describe('editorCommandLine: split as a POSIX shell would, the file appended, no shell', () => {
  it.each<[string, string, string[]]>([
    ['vim', 'vim', [FILE]],
    ['code --wait', 'code', ['--wait', FILE]],
    ['emacs -nw', 'emacs', ['-nw', FILE]],
    ['  subl   -w  ', 'subl', ['-w', FILE]],
    [
      '"/opt/My Editor/bin/edit" --title "two words" \'it\'"\'"\'s\'',
      '/opt/My Editor/bin/edit',
      ['--title', 'two words', "it's", FILE],
    ],
    ['/opt/My\\ Editor/edit "a\\"b"', '/opt/My Editor/edit', ['a"b', FILE]],
    ["vi '$HOME' 'a|b;c'", 'vi', ['$HOME', 'a|b;c', FILE]],
    ['vi a~b x=1', 'vi', ['a~b', 'x=1', FILE]],
  ])('posix: %s', (text, command, args) => {
    expect(editorCommandLine(fromEditor(text), FILE, 'linux')).toEqual({ command, args });
  });

  it.each<[string, string, string[]]>([
    [
      '"C:\\Program Files\\Notepad++\\notepad++.exe" -multiInst',
      'C:\\Program Files\\Notepad++\\notepad++.exe',
      ['-multiInst', WINDOWS_FILE],
    ],
    ['C:\\tools\\vim.exe', 'C:\\tools\\vim.exe', [WINDOWS_FILE]],
    [
      "'C:\\Program Files\\Sublime Text\\subl.exe' -w",
      'C:\\Program Files\\Sublime Text\\subl.exe',
      ['-w', WINDOWS_FILE],
    ],
    ['code --wait', 'code', ['--wait', WINDOWS_FILE]],
    ['notepad', 'notepad', [WINDOWS_FILE]],
  ])('win32 (a backslash is a path separator): %s', (text, command, args) => {
    expect(editorCommandLine(fromEditor(text), WINDOWS_FILE, 'win32')).toEqual({ command, args });
  });

  it('refuses a string that needs a shell, naming the variable and why', () => {
    const tail = '; edit runs the editor without a shell: set it to a program and its arguments, or to a script.';
    expect(refusal('vim | tee log')).toBe(`edit: $EDITOR (vim | tee log) uses "|", which needs a shell${tail}`);
    expect(refusal('vim $HOME/x')).toBe(`edit: $EDITOR (vim $HOME/x) uses "$", which needs a shell${tail}`);
    expect(refusal('vim "$HOME"')).toBe(`edit: $EDITOR (vim "$HOME") uses "$", which needs a shell${tail}`);
    expect(refusal('vim `which x`')).toBe(
      `edit: $EDITOR (vim \`which x\`) uses a backtick, which needs a shell${tail}`,
    );
    expect(refusal('vim; rm x')).toBe(`edit: $EDITOR (vim; rm x) uses ";", which needs a shell${tail}`);
    expect(refusal('vim > log')).toBe(`edit: $EDITOR (vim > log) uses ">", which needs a shell${tail}`);
    expect(refusal('vim *.ini')).toBe(`edit: $EDITOR (vim *.ini) uses "*", which needs a shell${tail}`);
    expect(refusal('vim # note')).toBe(`edit: $EDITOR (vim # note) uses "#", which needs a shell${tail}`);
    expect(refusal('vim &')).toBe(`edit: $EDITOR (vim &) uses "&", which needs a shell${tail}`);
    expect(refusal('~/bin/ed')).toBe(`edit: $EDITOR (~/bin/ed) starts a word with "~", which needs a shell${tail}`);
    expect(refusal('vim "a')).toBe(`edit: $EDITOR (vim "a) has an unterminated quote${tail}`);
    expect(refusal('TERM=xterm vim')).toBe(
      `edit: $EDITOR (TERM=xterm vim) starts with a variable assignment, which needs a shell${tail}`,
    );
    expect(refusal('""')).toBe(`edit: $EDITOR ("") names no command${tail}`);
    expect(refusal('notepad %TEMP%\\x | more', 'win32')).toBe(
      `edit: $EDITOR (notepad %TEMP%\\x | more) uses "|", which needs a shell${tail}`,
    );
  });
});

describe('what cross-spawn runs on win32 for the command lines we pass', () => {
  const req = createRequire(__filename);
  const SPAWN_MODULES = /[\\/]node_modules[\\/](cross-spawn|which|isexe|path-key|shebang-command|shebang-regex)[\\/]/;
  const forget = () => {
    for (const id of Object.keys(req.cache)) if (SPAWN_MODULES.test(id)) delete req.cache[id];
  };

  /** cross-spawn's own parse, loaded afresh with `process.platform` stubbed (it reads it when loaded). */
  function win32Parse(): (
    command: string,
    args: string[],
    options: object,
  ) => {
    command: string;
    args: string[];
    options: { windowsVerbatimArguments?: boolean };
  } {
    forget();
    vi.stubGlobal('process', Object.create(process, { platform: { value: 'win32' } }));
    try {
      return req('cross-spawn/lib/parse');
    } finally {
      vi.unstubAllGlobals();
    }
  }

  afterEach(() => {
    vi.unstubAllEnvs();
    forget();
  });

  it('a .cmd shim (npx) found through PATH and PATHEXT runs through cmd.exe, every argument escaped', () => {
    const bin = tempDir('nis-win32-');
    writeFileSync(path.join(bin, 'npx.cmd'), '@echo off\r\n');
    vi.stubEnv('PATHEXT', '.EXE;.CMD');
    vi.stubEnv('comspec', undefined);
    const parse = win32Parse();
    const parsed = parse('npx', ['prisma', 'migrate', 'deploy'], { env: { PATH: bin } });
    expect({ command: parsed.command, args: parsed.args }).toEqual({
      command: 'cmd.exe',
      args: ['/d', '/s', '/c', '"npx ^"prisma^" ^"migrate^" ^"deploy^""'],
    });
    expect(parsed.options.windowsVerbatimArguments).toBe(true);
  });

  it('an .exe editor with a space in its path runs directly, with the arguments our split gave', () => {
    const dir = tempDir('nis-win32-');
    mkdirSync(path.join(dir, 'Notepad++'));
    const exe = path.join(dir, 'Notepad++', 'notepad++.exe');
    writeFileSync(exe, '');
    vi.stubEnv('PATHEXT', '.EXE;.CMD');
    const line = editorCommandLine(fromEditor(`"${exe}" -multiInst`), WINDOWS_FILE, 'win32');
    const parse = win32Parse();
    const parsed = parse(line.command, [...line.args], { env: { PATH: dir } });
    expect({ command: parsed.command, args: parsed.args }).toEqual({
      command: exe,
      args: ['-multiInst', WINDOWS_FILE],
    });
    expect(parsed.options.windowsVerbatimArguments).toBe(undefined);
  });
});
