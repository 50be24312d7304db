import { accessSync, constants, promises as fs, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { cleanLeftovers, isAlive } from '../files/atomic-write';
import { recipientsFor, RECIPIENTS_FILE } from '../age/recipients';
import { SecretsError } from '../errors';
import { DEFAULT_MAX_FILE_SIZE } from '../sources/read';
import { readRegularFile, type ReadProblem } from '../files/read-file';
import { CliError, plural, type CliContext } from './context';
import { childStdio, copyChildOutput, spawnCommand } from './children';
import { chooseEditor, describeEditor, editorCommandLine, type ChosenEditor } from './editor-command';
import { encryptedPath, plaintextPath } from './file-names';
import { describeReadProblem, pathExists } from './files';
import { OPTIONS, resolveDir, type CommandOptions } from './options';
import { checkSyntax, decryptFile, writeEncrypted } from './secrets-files';

/** Prefix of the private directory holding the plaintext while the editor runs. */
export const EDIT_DIR_PREFIX = 'nest-secrets-edit-';

type EditOptions = Pick<CommandOptions, 'environment' | 'dir'>;

/** `nest-secrets edit -e <name> [--dir <d>]` */
export function registerEdit(program: Command, ctx: CliContext): void {
  program
    .command('edit')
    .summary('edit <env>-secrets.ini.age in $VISUAL / $EDITOR')
    .description(
      'decrypt <env>-secrets.ini.age into a private temp file, open $VISUAL / $EDITOR (default vi; notepad on Windows), check the syntax,\n' +
        `re-encrypt for everyone in ${RECIPIENTS_FILE} and replace the file atomically; creates the file if missing.\n` +
        'The temp file is wiped afterwards; when nothing changed or the editor fails, the .age file is left as it was.\n' +
        'The editor string is split into words as a POSIX shell would (quotes, backslash escapes; on Windows a backslash\n' +
        'is a path separator) and run without a shell, the file appended: one that needs a shell ($, |, ;, >, globs…) is refused.',
    )
    .addOption(OPTIONS.environment())
    .addOption(OPTIONS.dir())
    .action(async (options: EditOptions) => edit(ctx, options));
}

/** What an edit starts from, all checked before the editor opens. */
interface EditPlan {
  dir: string;
  /** The `.age` file edited (created when missing). */
  target: string;
  /** Whether `target` exists. */
  exists: boolean;
  /** What `target` held when the edit began; compared again right before writing. */
  snapshot: FileState;
  /** Its plaintext (empty for a new file). */
  original: Uint8Array;
}

async function edit(ctx: CliContext, options: EditOptions): Promise<void> {
  const plan = await planEdit(ctx, options);
  await cleanLeftovers(plan.dir);
  await cleanEditLeftovers(ctx);
  await inWorkspace(ctx, plan.target, plan.original, async (file) => {
    const edited = await editUntilValid(ctx, plan, file);
    if (edited !== undefined) await saveEdit(ctx, plan, edited);
  });
}

/**
 * Everything that can fail does so before the editor opens: the recipients,
 * a plaintext file not encrypted yet, the decryption.
 */
async function planEdit(ctx: CliContext, options: EditOptions): Promise<EditPlan> {
  const dir = resolveDir(ctx, options.dir);
  const target = encryptedPath(dir, options.environment);
  const plaintextFile = plaintextPath(dir, options.environment);
  await recipientsFor(dir);
  // An editor string that needs a shell is refused before anything is decrypted.
  editorCommandLine(chooseEditor(ctx.env), target, process.platform);
  const snapshot = await fileState(target);
  const exists = await pathExists(target);
  if (!exists && (await pathExists(plaintextFile))) {
    throw new CliError(
      `${plaintextFile} exists but is not encrypted yet: run \`nest-secrets encrypt -e ${options.environment}\` first.`,
    );
  }
  const original = exists ? (await decryptFile(target, ctx.env, options.environment)).bytes : new Uint8Array(0);
  return { dir, target, exists, snapshot, original };
}

/**
 * Runs `use` with a 0600 file holding `content` in a private 0700 directory,
 * wiped afterwards, and also on SIGTERM or SIGHUP (then ending the process).
 */
async function inWorkspace(
  ctx: CliContext,
  target: string,
  content: Uint8Array,
  use: (file: string) => Promise<void>,
): Promise<void> {
  const workspace = await fs.mkdtemp(path.join(editRoot(ctx), `${EDIT_DIR_PREFIX}${process.pid}-`));
  const stopWiping = ctx.onSignals(['SIGTERM', 'SIGHUP'], () => {
    wipeSync(workspace);
    ctx.exit(1);
  });
  try {
    await fs.chmod(workspace, 0o700);
    // Named like the real file so editors highlight INI.
    const file = path.join(workspace, path.basename(target, '.age'));
    await fs.writeFile(file, content, { mode: 0o600, flag: 'wx' });
    await use(file);
  } finally {
    stopWiping();
    await wipe(workspace);
  }
}

/**
 * Opens the editor on `file` until its text parses (re-opening it when the
 * user asks to, on a terminal).
 *
 * @returns the edited bytes, or `undefined` when nothing changed (said on stdout)
 * @throws CliError when the editor fails or the text stays invalid
 */
async function editUntilValid(ctx: CliContext, plan: EditPlan, file: string): Promise<Uint8Array | undefined> {
  const { target, exists, original } = plan;
  for (;;) {
    const editor = chooseEditor(ctx.env);
    const outcome = await runEditor(editor, file, ctx);
    if (outcome !== 'ok') throw new CliError(`edit: ${describeEditor(editor)} ${outcome}; ${target} is unchanged.`);
    const edited = await readEdited(file, target);
    if (Buffer.compare(edited, original) === 0) {
      ctx.stdout(exists ? `No changes; ${target} is unchanged.\n` : `Nothing written; ${target} was not created.\n`);
      return undefined;
    }
    try {
      checkSyntax(edited, target);
      return edited;
    } catch (error) {
      if (!(error instanceof SecretsError)) throw error;
      ctx.stderr(`${error.message}\n`);
      if (ctx.interactive && (await wantsToReopen(ctx))) continue;
      throw new CliError(`${target} is unchanged: the edited text has the problems above.`);
    }
  }
}

/** Encrypts the edit over `target`, unless the file changed while the editor was open. */
async function saveEdit(ctx: CliContext, plan: EditPlan, edited: Uint8Array): Promise<void> {
  const { dir, target, exists, snapshot } = plan;
  // The editor may have been open for long: another edit, `recipients add/rm` or a
  // git pull may have rewritten the file meanwhile. Never undo that silently.
  if (!sameState(snapshot, await fileState(target))) {
    throw new SecretsError([
      {
        code: 'FILE_EXISTS',
        file: target,
        message:
          'changed while you edited (another edit, recipients add/rm or a git pull?): your edit is not saved; run edit again',
      },
    ]);
  }
  const recipients = await recipientsFor(dir);
  await writeEncrypted(target, edited, recipients, ctx.beforeRename);
  ctx.stdout(`${exists ? 'Saved' : 'Created'} ${target} (encrypted for ${plural(recipients.length, 'recipient')}).\n`);
}

/**
 * Asks whether to re-open the editor; Ctrl-C or a closed terminal at the
 * prompt (an AbortError or any failure to read an answer) means no.
 */
async function wantsToReopen(ctx: CliContext): Promise<boolean> {
  let answer: string;
  try {
    answer = await ctx.ask('Re-open the editor to fix it? [Y/n] ');
  } catch {
    ctx.stderr('\n');
    return false;
  }
  return /^\s*(y|yes)?\s*$/i.test(answer);
}

/**
 * The edited temp file, read as secrets are read: never blocking on a FIFO or
 * a device the editor left in its place, and at most the loader's size limit.
 *
 * @throws CliError when the edit cannot be used; `target` is then untouched
 */
async function readEdited(file: string, target: string): Promise<Uint8Array> {
  const result = await readRegularFile(file, DEFAULT_MAX_FILE_SIZE);
  if (result instanceof Uint8Array) return result;
  const why = describeReadProblem(result, DEFAULT_MAX_FILE_SIZE) + (EDITOR_HINTS[result.problem] ?? '');
  throw new CliError(`the edited file ${why}; your edit is not saved and ${target} is unchanged.`);
}

/** What the editor probably did, after {@link describeReadProblem}'s words. */
const EDITOR_HINTS: Partial<Record<ReadProblem['problem'], string>> = {
  'not-found': ' (the editor removed it)',
  directory: ' (the editor replaced it with a directory, a FIFO or a device?)',
  'not-regular': ' (the editor replaced it with a directory, a FIFO or a device?)',
  'too-large': ", the loader's default maxFileSize",
};

/** What `file` holds: its bytes, or why there are none (absent, not a regular file…). */
type FileState = Uint8Array | string;

async function fileState(file: string): Promise<FileState> {
  const result = await readRegularFile(file, DEFAULT_MAX_FILE_SIZE);
  if (result instanceof Uint8Array) return result;
  return result.problem === 'unreadable' ? `unreadable ${result.code}` : result.problem;
}

function sameState(a: FileState, b: FileState): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return Buffer.compare(a, b) === 0;
}

/**
 * Runs the editor on `file`, split into words as git's shell would (see
 * {@link editorCommandLine}; a string that needs a shell is refused before
 * anything runs). Like git, ignores Ctrl-C meanwhile (it is meant for the editor).
 */
function runEditor(editor: ChosenEditor, file: string, ctx: CliContext): Promise<'ok' | string> {
  const { command, args } = editorCommandLine(editor, file, process.platform);
  const stopIgnoring = ctx.onSignals(['SIGINT', 'SIGQUIT'], () => undefined);
  return new Promise<'ok' | string>((resolve) => {
    const child = spawnCommand(command, args, {
      stdio: childStdio(ctx),
      cwd: ctx.cwd,
      env: ctx.env as NodeJS.ProcessEnv,
    });
    const output = ctx.children === 'pipe' ? copyChildOutput(child, ctx) : undefined;
    child.once('error', (error) =>
      resolve(`could not be started (${(error as NodeJS.ErrnoException).code ?? 'error'})`),
    );
    child.once('exit', (code, signal) => {
      const outcome = code === 0 ? 'ok' : signal ? `was killed by ${signal}` : `exited with status ${code}`;
      void (output?.finish() ?? Promise.resolve()).then(() => resolve(outcome));
    });
  }).finally(stopIgnoring);
}

/** Where edit directories go: memory-backed `/dev/shm` when usable, else the temp directory. */
export function editRoot(ctx: CliContext): string {
  try {
    const shm = '/dev/shm';
    if (statSync(shm).isDirectory()) {
      accessSync(shm, constants.W_OK | constants.X_OK);
      return shm;
    }
  } catch {
    // not Linux, or not writable
  }
  return ctx.tmpdir;
}

/** Wipes edit directories of earlier runs that were killed (their process is gone). */
async function cleanEditLeftovers(ctx: CliContext): Promise<void> {
  const root = editRoot(ctx);
  const names = await fs.readdir(root).catch(() => [] as string[]);
  for (const name of names) {
    const match = new RegExp(`^${EDIT_DIR_PREFIX}(\\d+)-`).exec(name);
    if (!match || Number(match[1]) === process.pid || isAlive(Number(match[1]))) continue;
    const dir = path.join(root, name);
    const stat = await fs.lstat(dir).catch(() => undefined);
    if (stat?.isDirectory() && stat.uid === process.getuid?.()) await wipe(dir);
  }
}

/**
 * Overwrites every file in `dir` (the editor may leave swap and backup
 * files) with zeros, then removes the directory.
 */
async function wipe(dir: string): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    try {
      const handle = await fs.open(file, 'r+');
      try {
        const { size } = await handle.stat();
        await handle.write(Buffer.alloc(size), 0, size, 0);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch {
      // removed below in any case
    }
  }
  await fs.rm(dir, { recursive: true, force: true });
}

function wipeSync(dir: string): void {
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      try {
        writeFileSync(file, Buffer.alloc(statSync(file).size), { flag: 'r+' });
      } catch {
        // removed below in any case
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
