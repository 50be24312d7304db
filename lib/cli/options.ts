/**
 * The options the commands share, as commander `Option` objects (one new
 * object per command: commander keeps per-command state on them), and
 * {@link CommandOptions}, the one type of what commander hands an action.
 */
import * as path from 'node:path';
import { Option } from 'commander';
import type { CliContext } from './context';
import { parseEnvironment, parseEnvironmentList } from './environments';

/** What commander passes to a command's action; each command declares the part it uses. */
export interface CommandOptions {
  /** `-e`: one name, or a deduplicated list with {@link OPTIONS.environments}. */
  environment: string;
  /** `--dir`, as typed (see {@link resolveDir}). */
  dir?: string;
  /** `init --force`: replace existing files, keeping backups. */
  force?: boolean;
  /** `init --template <file>`. */
  template?: string;
  /** `exec --mask`. */
  mask?: boolean;
  /** `keygen --out <file>`. */
  out?: string;
  /** `encrypt -r <age1…>`, repeatable. */
  recipient?: string[];
  /** `diff-driver install --command <command>`. */
  command?: string;
  /** `check --sections <module>`: the built module exporting the DTO classes. */
  sections?: string;
  /** `check --strict`: warnings are errors. */
  strict?: boolean;
  /** `--secrets-dir <dir>`, repeatable: secrets directories read after the INI file, in order. */
  secretsDir?: string[];
  /** `--env-prefix <prefix>`: variables `<prefix><SECTION>__<KEY>` read last. */
  envPrefix?: string;
  /** `check --json`, `keys --json`: one JSON document on stdout (lib/cli/json-report.ts). */
  json?: boolean;
}

/** {@link CommandOptions} of a command taking a list of environments. */
export type ListCommandOptions = Omit<CommandOptions, 'environment'> & { environment: string[] };

export const OPTIONS = {
  /** `-e, --environment <name>` (required): one environment, checked as the loader does. */
  environment: (): Option =>
    new Option('-e, --environment <name>', 'environment name').argParser(parseEnvironment).makeOptionMandatory(),
  /** `-e, --environment <names>` (required): a comma list (`production,staging`). */
  environments: (): Option =>
    new Option('-e, --environment <names>', 'environment name, or several separated by commas')
      .argParser(parseEnvironmentList)
      .makeOptionMandatory(),
  /** `--secrets-dir <dir>`, repeatable: as the `secretsDirectory` source, after the INI file. */
  secretsDir: (): Option =>
    new Option(
      '--secrets-dir <dir>',
      'also read a directory of one value per file (section.key or section/key), after the file; repeatable',
    ).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
  /** `--env-prefix <prefix>`: as the `envOverrides` source, last. */
  envPrefix: (): Option =>
    new Option('--env-prefix <prefix>', 'also read variables <prefix><SECTION>__<KEY>, last (e.g. SECRETS__)'),
  /** `--json`: the report as one JSON document on stdout (shapes in json-report.ts). */
  json: (schema: string): Option =>
    new Option('--json', `print one JSON document (schema "${schema}") on stdout instead of text; never a value`),
  /** `--dir <dir>` (default: the working directory). */
  dir: (): Option => new Option('--dir <dir>', 'directory holding the secrets files (default: current directory)'),
};

/** The `--dir` option resolved against the working directory. */
export function resolveDir(ctx: CliContext, dir: string | undefined): string {
  return path.resolve(ctx.cwd, dir ?? '.');
}
