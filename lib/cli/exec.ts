import type { Command } from 'commander';
import { isPresentableName, SecretsError, type SecretsProblem } from '../errors';
import { loadLazily } from '../load-lazily';
import type { RawSections } from '../model';
import { loadRawSecrets, type RawSecrets } from '../sources/raw-secrets';
import { CliError, EXIT_USAGE, ReportedExit, type CliContext } from './context';
import { FORWARDED_SIGNALS, runChild } from './exec-child';
import { DEFAULT_GRACE_SECONDS, superviseChild, type PreparedRun } from './exec-watch';
import { OPTIONS, resolveDir, type CommandOptions } from './options';
import { PIPE_GRACE_MS } from './masked-output';
import { commandEnv } from './raw-secrets';
import {
  checkEnvMappings,
  emptyMappingWarnings,
  mappedVariables,
  parseEnvMapping,
  type EnvMapping,
} from './env-mappings';

/** Prefix of every variable `exec` sets. */
export const SECRET_VARIABLE_PREFIX = 'SECRET_';

/**
 * Ends `nest-secrets` with the child's exit code, printing nothing: the
 * command has already spoken for itself.
 */
export class ChildExit extends ReportedExit {
  override readonly name = 'ChildExit';
}

/**
 * `nest-secrets exec -e <name> [--dir <d>] [--env NAME=section.key]… [--override] [--only-mapped] [--mask]
 * [--watch [--grace <s>]] -- <command> [args…]`
 */
export function registerExec(program: Command, ctx: CliContext): void {
  program
    .command('exec')
    .summary('run a command with the secrets in its environment')
    .description(
      `run <command> with each secret of the environment's file in a variable ${SECRET_VARIABLE_PREFIX}<SECTION>_<KEY> ` +
        '(upper case; every character other than A-Z and 0-9 becomes "_"; two keys with one name are an error). ' +
        "The command also gets this process's variables; nothing is written to a file. Put -- before the command.\n\n" +
        'With --env NAME=section.key (repeatable), the command also gets NAME set from that key (the last "." ' +
        'separates the key: --env FB_KEY=authomatic.facebook.consumer_key). A key the file lacks is an error before ' +
        'the command starts; NAME must be a variable name, given once, not starting with SECRET_, and not already in ' +
        'the environment unless --override. With --only-mapped the command gets only the mapped variables, none of ' +
        `the ${SECRET_VARIABLE_PREFIX}… ones.\n\n` +
        'With --mask, every value of the file (and its base64, hex, URL/JSON-escaped and util.inspect forms) in the ' +
        "command's stdout and stderr becomes [REDACTED]. The command then writes to pipes, not to the terminal: " +
        'it may drop colours, buffer its output differently or refuse to be interactive; stdin stays the terminal. ' +
        `Once it has exited, output that stays silent for ${PIPE_GRACE_MS / 1000} s is no longer waited for ` +
        '(a background process it started may hold it open). Without --mask (the default) its output is not masked.\n\n' +
        'With --watch, the file is watched: when it changes and the new secrets load, the command is stopped ' +
        `(SIGTERM, then SIGKILL after --grace seconds, default ${DEFAULT_GRACE_SECONDS}) and started again with them; ` +
        'secrets that fail to load are reported on stderr and the command keeps running. Watching ends when the ' +
        'command exits by itself.\n\n' +
        "Exit code: the command's (128+n when signal n ended it; 127 not found, 126 not executable), or 1 / 2 when " +
        'nest-secrets itself fails before running it.',
    )
    .addOption(OPTIONS.environment())
    .addOption(OPTIONS.dir())
    // Everything after <command> is the child's, even what looks like our options
    // (`exec -e staging ./tool -e production`): commander stops parsing there.
    .passThroughOptions()
    .option(
      '--env <NAME=section.key>',
      'also set variable NAME from that key of the file; repeatable',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--override', 'with --env: replace a variable the environment already has (default: an error)')
    .option(
      '--only-mapped',
      `with --env: set only the mapped variables, no ${SECRET_VARIABLE_PREFIX}… ones (default: off)`,
    )
    .option(
      '--mask',
      "replace the file's values in the command's output with [REDACTED] (output through pipes; default: off)",
    )
    .option('--watch', 'restart the command when the secrets change and load (default: off)')
    .option(
      '--grace <seconds>',
      `with --watch: how long a restart waits after SIGTERM before SIGKILL (default: ${DEFAULT_GRACE_SECONDS})`,
    )
    .argument('<command>', 'the command to run (not through a shell)')
    .argument('[args...]', 'its arguments')
    .action(async (command: string, args: string[], options: ExecOptions) => exec(ctx, command, args, options));
}

type ExecOptions = Pick<CommandOptions, 'environment' | 'dir' | 'mask'> & {
  watch?: boolean;
  grace?: string;
  env?: string[];
  override?: boolean;
  onlyMapped?: boolean;
};

async function exec(ctx: CliContext, command: string, args: readonly string[], options: ExecOptions): Promise<void> {
  const graceMs = graceOption(options);
  const mappings = mappingsOption(ctx, options);
  const env = commandEnv(ctx.env);
  const directory = resolveDir(ctx, options.dir);
  // As every command: `-e` and `--dir` name the file (see commandEnv).
  const load = () => loadRawSecrets({ environment: options.environment, directory, env });
  // Only --mask needs the masker's file.
  const masking = options.mask ? await loadMasker() : undefined;
  const prepare = (raw: RawSecrets): PreparedRun => {
    // A file was read (no `values` option), so `file` is set.
    const mapped = mappedVariables(mappings, raw.raw, raw.file!);
    // On every load (--watch too): an empty value is most likely a key not filled in yet.
    for (const warning of emptyMappingWarnings(mappings, mapped)) ctx.stderr(warning);
    return {
      variables: { ...(options.onlyMapped ? {} : secretVariables(raw.raw, raw.file!)), ...mapped },
      masker: masking ? new masking.Masker(fileValues(raw.raw, masking), { extraForms: true }) : undefined,
    };
  };
  const raw = await load();
  const run = prepare(raw);
  const code = options.watch
    ? await superviseChild(ctx, command, args, { raw, run }, { load, prepare, graceMs })
    : await runOnce(ctx, command, args, run);
  if (code !== 0) throw new ChildExit(code);
}

/** `--grace` in ms. @throws CliError (usage) when it is not a number of seconds, or given without --watch */
function graceOption(options: ExecOptions): number {
  if (options.grace === undefined) return DEFAULT_GRACE_SECONDS * 1000;
  if (!options.watch) throw new CliError('exec: --grace needs --watch', EXIT_USAGE);
  const seconds = Number(options.grace);
  if (options.grace.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new CliError('exec: --grace must be a number of seconds, 0 or more', EXIT_USAGE);
  }
  return seconds * 1000;
}

/**
 * `--env` (repeatable), parsed and checked against the environment.
 * @throws CliError (usage) for a malformed or conflicting mapping, or
 *   --override / --only-mapped without --env
 */
function mappingsOption(ctx: CliContext, options: ExecOptions): EnvMapping[] {
  const mappings = (options.env ?? []).map(parseEnvMapping);
  if (mappings.length === 0) {
    if (options.override) throw new CliError('exec: --override needs --env', EXIT_USAGE);
    if (options.onlyMapped) throw new CliError('exec: --only-mapped needs --env', EXIT_USAGE);
  }
  checkEnvMappings(mappings, ctx.env, { override: options.override === true, onlyMapped: options.onlyMapped === true });
  return mappings;
}

async function runOnce(ctx: CliContext, command: string, args: readonly string[], prepared: PreparedRun) {
  const child = runChild(ctx, command, args, prepared.variables, prepared.masker);
  const stopForwarding = ctx.onSignals(FORWARDED_SIGNALS, (signal) => child.kill(signal));
  // A terminal's Ctrl-C reaches the child directly; this process only waits for its exit code.
  const stopIgnoring = ctx.onSignals(['SIGINT'], () => undefined);
  await child.exited;
  // Signals reach us with their default effect again while masked output
  // is still being written: Ctrl-C ends a wait for a background process's pipe.
  stopForwarding();
  stopIgnoring();
  return child.finished;
}

/**
 * Every value of the file, which `--mask` hides (there are no DTOs to tell
 * secrets from other settings), also as `util.inspect` prints it (a Node
 * command logging an object).
 */
function fileValues(raw: RawSections, { inspectedForms }: MaskerModule): string[] {
  return [...raw.values()].flatMap((section) =>
    [...section.values.values()].flatMap(({ value }) => [value, ...inspectedForms(value)]),
  );
}

type MaskerModule = typeof import('../mask/masker.js');

function loadMasker(): Promise<MaskerModule> {
  return loadLazily(
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    () => require('../mask/masker.js') as MaskerModule,
    () => import('../mask/masker.js'),
  );
}

/** `SECRET_<SECTION>_<KEY>` of every value, in file order. */
export function variableName(section: string, key: string): string {
  const part = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return `${SECRET_VARIABLE_PREFIX}${part(section)}_${part(key)}`;
}

/**
 * The variables for the child.
 *
 * @throws SecretsError `NAME_COLLISION` for every variable name two keys
 *   would share (naming both section/key pairs when they look like names,
 *   else only their lines: a key that looks like a value is never shown, nor
 *   the variable name built from it); `ENCODING` for a value with a NUL
 *   character, which no environment variable can hold.
 */
function secretVariables(raw: RawSections, file: string): Record<string, string> {
  const variables: Record<string, string> = {};
  const owners = new Map<string, { section: string; key: string; line: number | undefined }>();
  const problems: SecretsProblem[] = [];
  const presentable = (section: string, key: string) => isPresentableName(section) && isPresentableName(key);
  for (const section of raw.values()) {
    for (const [key, { value, line }] of section.values) {
      const shown = presentable(section.name, key);
      if (value.includes('\0')) {
        problems.push({
          code: 'ENCODING',
          file,
          line,
          ...(shown
            ? { section: section.name, key }
            : isPresentableName(section.name)
              ? { section: section.name }
              : {}),
          message: `${shown ? 'the value' : "this key's value (the key is not shown: it looks like a value)"} contains a NUL character, which no environment variable can hold`,
        });
        continue;
      }
      const name = variableName(section.name, key);
      const owner = owners.get(name);
      if (owner) {
        problems.push(
          shown && presentable(owner.section, owner.key)
            ? {
                code: 'NAME_COLLISION',
                file,
                line,
                section: section.name,
                key,
                message: `becomes ${name}, as [${owner.section}] ${owner.key}${owner.line ? ` (line ${owner.line})` : ''} does; rename one of them`,
              }
            : {
                code: 'NAME_COLLISION',
                file,
                line,
                message:
                  owner.line !== undefined && line !== undefined
                    ? `the keys on lines ${owner.line} and ${line} become one variable name; rename one of them`
                    : 'two keys become one variable name; rename one of them',
              },
        );
        continue;
      }
      owners.set(name, { section: section.name, key, line });
      variables[name] = value;
    }
  }
  if (problems.length) throw new SecretsError(problems);
  return variables;
}
