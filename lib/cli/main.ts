#!/usr/bin/env node
/**
 * `nest-secrets`: age-encrypted secrets files from the command line. One file
 * per command (`keygen.ts`, `encrypt.ts`, …), each exporting a `register…`
 * function; this file wires them and maps outcomes to exit codes:
 * 0 success, 1 a secrets problem, 2 bad usage.
 */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command, CommanderError } from 'commander';
import { CRASH_BEFORE_RENAME_VARIABLE } from '../files/atomic-write';
import { SecretsError } from '../errors';
import { CliError, EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, type CliContext } from './context';
import { registerCheck } from './check';
import { registerDecrypt } from './decrypt';
import { registerDiffDriver } from './diff-driver';
import { registerEdit } from './edit';
import { registerEncrypt } from './encrypt';
import { ChildExit, registerExec } from './exec';
import { registerHook } from './hook';
import { registerInit } from './init';
import { registerKeys } from './keys';
import { registerKeygen } from './keygen';
import { registerRecipients } from './recipients';
import { registerRotate } from './rotate';

/** Builds the program; every command registered on it inherits the exit and output settings. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('nest-secrets')
    .description('Create, check, encrypt, edit and use per-environment <env>-secrets.ini files (age-encrypted or not).')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    // Lets `exec` pass everything after its command name to the child (passThroughOptions).
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .configureOutput({ writeOut: (text) => ctx.stdout(text), writeErr: (text) => ctx.stderr(text) });
  registerKeygen(program, ctx);
  registerEncrypt(program, ctx);
  registerDecrypt(program, ctx);
  registerEdit(program, ctx);
  registerRecipients(program, ctx);
  registerDiffDriver(program, ctx);
  registerInit(program, ctx);
  registerCheck(program, ctx);
  registerHook(program, ctx);
  registerKeys(program, ctx);
  registerExec(program, ctx);
  registerRotate(program, ctx);
  return program;
}

/**
 * Runs the CLI with `argv` (as `process.argv`: node, script, arguments).
 *
 * @returns the exit code; output goes through `ctx`
 */
export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv]);
    return EXIT_OK;
  } catch (error) {
    return report(error, ctx, program);
  }
}

function report(error: unknown, ctx: CliContext, program: Command): number {
  // Commander has printed its message already; help and --version end with 0.
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  // `exec` ends with its child's code; the child has spoken for itself.
  if (error instanceof ChildExit) return error.exitCode;
  // The message is built from names, paths and lines only: never a value.
  if (error instanceof SecretsError) {
    ctx.stderr(`${error.message}\n`);
    return EXIT_PROBLEM;
  }
  if (error instanceof CliError) {
    ctx.stderr(`${program.name()}: ${error.message}\n`);
    return error.exitCode;
  }
  const errno = error as NodeJS.ErrnoException;
  if (errno && typeof errno.code === 'string' && typeof errno.syscall === 'string') {
    ctx.stderr(`${program.name()}: ${errno.syscall} ${errno.path ?? ''} failed: ${errno.code}\n`);
    return EXIT_PROBLEM;
  }
  // Anything else is a bug; its message could quote input, so only its kind is shown.
  ctx.stderr(
    `${program.name()}: unexpected ${(error as Error)?.name ?? 'error'}; set NEST_SECRETS_DEBUG=1 to see the stack\n`,
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
