#!/usr/bin/env node
/**
 * `nest-secrets`: age-encrypted secrets files from the command line. One file
 * per command (`keygen.ts`, `encrypt.ts`, …), each exporting a `register…`
 * function; this file wires them and maps outcomes to exit codes:
 * 0 success, 1 a secrets problem, 2 bad usage.
 *
 * Only the command being run is loaded; the overall help, `--version` and a
 * misspelt name's suggestion load none (each command's help line is a stub
 * here): `exec` and `hook run` run many times a day, and loading every
 * command's files was most of their start-up. Each command loads its heavy
 * libraries (class-validator, age-encryption, …) itself, when it needs them.
 */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, CommanderError, Help } from 'commander';
import { CRASH_BEFORE_RENAME_VARIABLE } from '../files/crash-before-rename';
import { loadLazily } from '../load-lazily';
import { SecretsError } from '../errors';
import { CliError, ReportedExit, EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, type CliContext } from './context';

type Register = (program: Command, ctx: CliContext) => void;

const PROGRAM_NAME = 'nest-secrets';

/** A top-level command as the overall help lists it, known without loading its file. */
interface CommandStub {
  readonly name: string;
  /** As commander's `Help.subcommandTerm` prints it: name, `[options]` if any, arguments. */
  readonly term: string;
  /** Its summary (the help's one line). */
  readonly summary: string;
  /** Left out of the overall help (a command git runs, not a person). */
  readonly hidden?: boolean;
}

/** A command file: its `register…` function (loaded on demand) and the top-level commands it registers, in order. */
interface CommandModule {
  readonly register: () => Promise<Register>;
  readonly commands: readonly CommandStub[];
}

const stub = (name: string, term: string, summary: string, hidden?: 'hidden'): CommandStub => ({
  name,
  term,
  summary,
  ...(hidden ? { hidden: true } : {}),
});

/**
 * Every command file, in the help's order. The stubs' terms and summaries
 * must equal what the files register (test/cli-startup.spec.ts compares the
 * overall help built from stubs with the one built from every file).
 */
const MODULES: Readonly<Record<string, CommandModule>> = {
  keygen: {
    register: async () =>
      (
        await loadLazily(
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          () => require('./keygen.js') as typeof import('./keygen.js'),
          () => import('./keygen.js'),
        )
      ).registerKeygen,
    commands: [stub('keygen', 'keygen [options]', 'create an identity (private key) and print its public key')],
  },
  encrypt: {
    register: async () =>
      (
        await loadLazily(
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          () => require('./encrypt.js') as typeof import('./encrypt.js'),
          () => import('./encrypt.js'),
        )
      ).registerEncrypt,
    commands: [stub('encrypt', 'encrypt [options]', 'encrypt <env>-secrets.ini to <env>-secrets.ini.age')],
  },
  decrypt: {
    register: async () =>
      (
        await loadLazily(
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          () => require('./decrypt.js') as typeof import('./decrypt.js'),
          () => import('./decrypt.js'),
        )
      ).registerDecrypt,
    commands: [stub('decrypt', 'decrypt [options]', 'print a decrypted <env>-secrets.ini.age to stdout')],
  },
  edit: {
    register: async () =>
      (
        await loadLazily(
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          () => require('./edit.js') as typeof import('./edit.js'),
          () => import('./edit.js'),
        )
      ).registerEdit,
    commands: [stub('edit', 'edit [options]', 'edit <env>-secrets.ini.age in $VISUAL / $EDITOR')],
  },
  recipients: {
    register: async () =>
      (
        await loadLazily(
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          () => require('./recipients.js') as typeof import('./recipients.js'),
          () => import('./recipients.js'),
        )
      ).registerRecipients,
    commands: [
      stub('recipients', 'recipients', 'add or remove public keys in .age-recipients, re-encrypting the files'),
    ],
  },
  'diff-driver': {
    register: async () =>
      (
        await loadLazily(
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          () => require('./diff-driver.js') as typeof import('./diff-driver.js'),
          () => import('./diff-driver.js'),
        )
      ).registerDiffDriver,
    commands: [
      stub('diff-driver', 'diff-driver', 'show encrypted secrets decrypted in `git diff`'),
      stub(
        'textconv',
        'textconv <file>',
        'print a secrets file decrypted, or as it is when it cannot be decrypted (for git)',
        'hidden',
      ),
    ],
  },
  init: {
    register: async () =>
      (
        await loadLazily(
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          () => require('./init.js') as typeof import('./init.js'),
          () => import('./init.js'),
        )
      ).registerInit,
    commands: [stub('init', 'init [options]', 'write <env>-secrets.ini files with fresh random tokens')],
  },
  check: {
    register: async () =>
      (
        await loadLazily(
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          () => require('./check.js') as typeof import('./check.js'),
          () => import('./check.js'),
        )
      ).registerCheck,
    commands: [stub('check', 'check [options]', "validate secrets files with the app's DTOs before deploying")],
  },
  hook: {
    register: async () =>
      (
        await loadLazily(
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          () => require('./hook.js') as typeof import('./hook.js'),
          () => import('./hook.js'),
        )
      ).registerHook,
    commands: [stub('hook', 'hook', 'refuse commits of plaintext secrets files (git pre-commit hook)')],
  },
  keys: {
    register: async () =>
      (
        await loadLazily(
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          () => require('./keys.js') as typeof import('./keys.js'),
          () => import('./keys.js'),
        )
      ).registerKeys,
    commands: [stub('keys', 'keys [options]', 'list the sections and keys of a secrets file, never a value')],
  },
  exec: {
    register: async () =>
      (
        await loadLazily(
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          () => require('./exec.js') as typeof import('./exec.js'),
          () => import('./exec.js'),
        )
      ).registerExec,
    commands: [stub('exec', 'exec [options] <command> [args...]', 'run a command with the secrets in its environment')],
  },
  rotate: {
    register: async () =>
      (
        await loadLazily(
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          () => require('./rotate.js') as typeof import('./rotate.js'),
          () => import('./rotate.js'),
        )
      ).registerRotate,
    commands: [
      stub(
        'rotate',
        'rotate [options] <section.key...>',
        'replace generated tokens with fresh random ones (plaintext or .age), never showing a value',
      ),
    ],
  },
};

/**
 * The command files `args` (the arguments after node and the script) needs
 * loaded: the one registering the command named first (also after `help`),
 * else none (the overall help, `--version` and a misspelt name's suggestion
 * need only the stubs).
 */
export function commandsFor(args: readonly string[]): string[] {
  const named = args[0] === 'help' ? args[1] : args[0];
  return Object.keys(MODULES).filter((file) => MODULES[file]!.commands.some((command) => command.name === named));
}

/** The names of every command file, in the help's order. */
export const COMMAND_FILES: readonly string[] = Object.keys(MODULES);

/**
 * Builds the program with the command files `loaded` (see {@link commandsFor})
 * registered, or, when none is, every command as a stub that only the
 * overall help shows (with a command named, nothing prints the overall help,
 * and no stub is needed); every command inherits the exit and output settings.
 */
export async function buildProgram(ctx: CliContext, loaded: readonly string[] = COMMAND_FILES): Promise<Command> {
  const terms = new WeakMap<Command, string>();
  const program = new Command(PROGRAM_NAME)
    .description('Create, check, encrypt, edit and use per-environment <env>-secrets.ini files (age-encrypted or not).')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    // Lets `exec` pass everything after its command name to the child (passThroughOptions).
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .configureHelp({ subcommandTerm: (command) => terms.get(command) ?? new Help().subcommandTerm(command) })
    .configureOutput({ writeOut: (text) => ctx.stdout(text), writeErr: (text) => ctx.stderr(text) });
  const registers = new Map(
    await Promise.all(loaded.map(async (file) => [file, await MODULES[file]!.register()] as const)),
  );
  // Registered in the help's order.
  for (const [file, { commands }] of Object.entries(MODULES)) {
    const register = registers.get(file);
    if (register) register(program, ctx);
    else if (registers.size === 0)
      for (const command of commands) terms.set(stubCommand(program, command), command.term);
  }
  return program;
}

/** A command the overall help lists; never run (see {@link commandsFor}: a named command's file is loaded). */
function stubCommand(program: Command, { name, summary, hidden }: CommandStub): Command {
  return program
    .command(name, { hidden: hidden === true })
    .summary(summary)
    .action(() => {
      throw new Error(`${name}: its command file was not loaded`);
    });
}

/**
 * Runs the CLI with `argv` (as `process.argv`: node, script, arguments).
 *
 * @returns the exit code; output goes through `ctx`
 */
export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  try {
    // Loading a command's files is inside: what fails there is reported as any other error.
    const program = await buildProgram(ctx, commandsFor(argv.slice(2)));
    await program.parseAsync([...argv]);
    return EXIT_OK;
  } catch (error) {
    return report(error, ctx);
  }
}

function report(error: unknown, ctx: CliContext): number {
  // Commander has printed its message already; help and --version end with 0.
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  // A `--json` report or `exec`'s child has spoken for itself.
  if (error instanceof ReportedExit) return error.exitCode;
  // The message is built from names, paths and lines only: never a value.
  if (error instanceof SecretsError) {
    ctx.stderr(`${error.message}\n`);
    return EXIT_PROBLEM;
  }
  if (error instanceof CliError) {
    ctx.stderr(`${PROGRAM_NAME}: ${error.message}\n`);
    return error.exitCode;
  }
  const errno = error as NodeJS.ErrnoException;
  if (errno && typeof errno.code === 'string' && typeof errno.syscall === 'string') {
    ctx.stderr(`${PROGRAM_NAME}: ${errno.syscall} ${errno.path ?? ''} failed: ${errno.code}\n`);
    return EXIT_PROBLEM;
  }
  // Anything else is a bug; its message could quote input, so only its kind is shown.
  ctx.stderr(
    `${PROGRAM_NAME}: unexpected ${(error as Error)?.name ?? 'error'}; set NEST_SECRETS_DEBUG=1 to see the stack\n`,
  );
  if (ctx.env.NEST_SECRETS_DEBUG === '1') ctx.stderr(`${(error as Error)?.stack}\n`);
  return EXIT_PROBLEM;
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

/** The process's own context. */
export function processContext(): CliContext {
  return {
    env: process.env,
    cwd: process.cwd(),
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    streams: { stdout: process.stdout, stderr: process.stderr },
    // Ctrl-C or end of input rejects (an AbortError); either way the terminal is
    // released, so that nothing keeps the process alive afterwards.
    ask: async (question) => {
      // Required here: most commands never ask, and readline costs every start.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createInterface } = require('node:readline/promises') as typeof import('node:readline/promises');
      const readline = createInterface({ input: process.stdin, output: process.stderr });
      const closed = new Promise<never>((_, reject) =>
        readline.once('close', () => reject(Object.assign(new Error('input closed'), { name: 'AbortError' }))),
      );
      try {
        return await Promise.race([readline.question(question), closed]);
      } finally {
        readline.close();
        process.stdin.pause();
        closed.catch(() => undefined);
      }
    },
    children: 'inherit',
    bin: path.join(__dirname, 'main.js'),
    tmpdir: os.tmpdir(),
    onSignals: (signals, handler) => {
      for (const signal of signals) process.on(signal, handler);
      return () => signals.forEach((signal) => process.off(signal, handler));
    },
    exit: (code) => process.exit(code),
    ...(process.env[CRASH_BEFORE_RENAME_VARIABLE] === '1'
      ? { beforeRename: () => void process.kill(process.pid, 'SIGKILL') }
      : {}),
  };
}

if (require.main === module) {
  void main(process.argv, processContext()).then((code) => {
    process.exitCode = code;
  });
}
