import type { Command } from 'commander';
import { isPresentableName, SecretsError, type SecretsProblem } from '../errors';
import type { ParsedEntry, Template } from '../model';
import { isConventionalVariableName } from '../sources/template';
import { EXIT_PROBLEM, type CliContext, ReportedExit } from './context';
import { OPTIONS, resolveDir, type CommandOptions } from './options';
import { commandEnv, commandSources, readParsed } from './raw-secrets';
import { ownString, type Environment } from '../environment-variables';
import { FILE_VARIABLE_SUFFIX } from '../sources/file-variables';
import { formatProblem } from '../errors';
import { matchEnvOverrides } from '../sources/env-overrides';
import { variableLabel, type Origin } from '../sources/origin';
import { readSecretsDirectory } from '../sources/secrets-directory';
import { foundSecretsFile } from './json-file';
import { printReport } from './json-output';
import {
  KEYS_REPORT_SCHEMA,
  reportedProblem,
  type KeyOrigin,
  type KeysReport,
  type LaterSource,
  type ListedKey,
  type ListedSection,
  type ReferencedVariable,
} from './json-report';

type KeysOptions = Pick<CommandOptions, 'environment' | 'dir' | 'secretsDir' | 'envPrefix' | 'json'>;

/** `nest-secrets keys -e <name> [--dir <d>] [--secrets-dir <d>]… [--env-prefix <p>] [--json]` */
export function registerKeys(program: Command, ctx: CliContext): void {
  program
    .command('keys')
    .summary('list the sections and keys of a secrets file, never a value')
    .description(
      "list the sections and key names of an environment's secrets file (an .age file is decrypted in memory), " +
        'marking keys that read variables ($VAR, ${VAR}, ${VAR:-fallback}) and whether those are set; no value is shown, ' +
        'nor a variable name other than an upper-case one such as API_KEY',
    )
    .addOption(OPTIONS.environment())
    .addOption(OPTIONS.dir())
    .addOption(OPTIONS.secretsDir())
    .addOption(OPTIONS.envPrefix())
    .addOption(OPTIONS.json(KEYS_REPORT_SCHEMA))
    .action(async (options: KeysOptions) => (options.json ? keysJson(ctx, options) : keysText(ctx, options)));
}

/** What `keys` found: the report's body. */
interface Listing {
  readonly file: string;
  readonly encrypted: boolean;
  readonly sources: LaterSource[];
  readonly sections: ListedSection[];
}

/** What `keys` has found so far, kept when a source fails: the file read and the warnings of the sources read. */
interface Progress {
  file?: { readonly path: string; readonly encrypted: boolean };
  readonly warnings: SecretsProblem[];
}

/**
 * Reads the file and the later sources into a {@link Listing}, reporting
 * into `progress` as it goes.
 *
 * @throws SecretsError as the loader for those sources
 */
async function listing(ctx: CliContext, options: KeysOptions, progress: Progress): Promise<Listing> {
  const env = commandEnv(ctx.env);
  const { file, encrypted, parsed } = await readParsed(options.environment, resolveDir(ctx, options.dir), env);
  progress.file = { path: file, encrypted };
  const later = await laterSources(ctx, options, env, parsed.sections, progress.warnings);
  const sections: ListedSection[] = [];
  for (const section of parsed.sections.values()) {
    const replaced = later.origins.get(section.name);
    const keys = [...section.entries.values()].map((entry) => {
      const origin = replaced?.get(entry.key);
      return origin ? laterKey(entry.key, origin) : fileKey(env, file, entry);
    });
    for (const [key, origin] of replaced ?? []) if (!section.entries.has(key)) keys.push(laterKey(key, origin));
    sections.push({ name: section.name, keys });
  }
  for (const [name, origins] of later.origins) {
    if (!parsed.sections.has(name)) sections.push({ name, keys: [...origins].map(([k, o]) => laterKey(k, o)) });
  }
  return { file, encrypted, sources: later.sources, sections };
}

/** The text listing; warnings on stderr (also before a `SecretsError`, thrown as it comes). */
async function keysText(ctx: CliContext, options: KeysOptions): Promise<void> {
  const progress: Progress = { warnings: [] };
  let found: Listing;
  try {
    found = await listing(ctx, options, progress);
  } finally {
    for (const warning of progress.warnings) ctx.stderr(`warning: ${formatProblem(warning)}\n`);
  }
  const out: string[] = [`${found.file}${found.encrypted ? ' (decrypted in memory)' : ''}`];
  for (const source of found.sources) {
    out.push(source.kind === 'directory' ? `+ ${source.path} (directory)` : `+ ${source.prefix}* (variables)`);
  }
  for (const section of found.sections) {
    out.push(`[${section.name}]`);
    for (const key of section.keys) out.push(keyLine(key));
  }
  ctx.stdout(`${out.join('\n')}\n`);
}

/** The {@link KeysReport}; a `SecretsError` is reported in it (exit 1), not thrown. */
async function keysJson(ctx: CliContext, options: KeysOptions): Promise<void> {
  const progress: Progress = { warnings: [] };
  const warnings = () => progress.warnings.map((warning) => reportedProblem(warning, 'warning'));
  let report: KeysReport;
  try {
    const found = await listing(ctx, options, progress);
    report = {
      schema: KEYS_REPORT_SCHEMA,
      ok: true,
      environment: options.environment,
      file: found.file,
      encrypted: found.encrypted,
      sources: found.sources,
      sections: found.sections,
      problems: warnings(),
    };
  } catch (error) {
    if (!(error instanceof SecretsError)) throw error;
    // The file found, also when it could not be read, decrypted or parsed.
    const file = progress.file ?? foundSecretsFile(resolveDir(ctx, options.dir), options.environment);
    report = {
      schema: KEYS_REPORT_SCHEMA,
      ok: false,
      environment: options.environment,
      file: file?.path ?? null,
      encrypted: file?.encrypted ?? false,
      sources: givenSources(ctx, options),
      sections: [],
      problems: [...warnings(), ...error.problems.map((problem) => reportedProblem(problem, 'error'))],
    };
  }
  printReport(ctx, report);
  if (!report.ok) throw new ReportedExit(EXIT_PROBLEM);
}

/** The sources `--secrets-dir` and `--env-prefix` name, in the order they are read (whether read or not). */
function givenSources(ctx: CliContext, options: KeysOptions): LaterSource[] {
  return commandSources(ctx, options).flatMap((source): LaterSource[] =>
    source.kind === 'directory'
      ? [{ kind: 'directory', path: source.path }]
      : source.kind === 'env'
        ? [{ kind: 'variables', prefix: source.prefix }]
        : [],
  );
}

/** A key of the INI file: by name unless it looks like a value, with the variables it reads. */
function fileKey(env: Environment, file: string, entry: ParsedEntry): ListedKey {
  const origin: KeyOrigin = { kind: 'ini', file, line: entry.line };
  // A wrapped base64 line of a value parses as a key: such a "key" is not shown.
  const key = isPresentableName(entry.key) ? entry.key : null;
  const variables = references(entry.template).map(({ name, fallback }) => ({
    // Only conventional names are shown: in `Pa55$wordXYZsecret` the "variable"
    // is the rest of a password whose `$` was meant literally.
    name: isConventionalVariableName(name) ? name : null,
    state: variableState(env, name),
    fallback,
  }));
  const value = variables.length ? 'reference' : entry.template.length === 0 ? 'empty' : 'set';
  return { key, origin, value, variables };
}

/** A key a later source sets: by its name there (a file or variable name, not a value line), with its origin. */
function laterKey(key: string, later: { origin: Origin; empty: boolean }): ListedKey {
  const { origin } = later;
  const shown: KeyOrigin =
    origin.kind === 'variable'
      ? { kind: 'variable', name: variableLabel(origin.name) === `variable ${origin.name}` ? origin.name : null }
      : origin.kind === 'ini'
        ? { kind: 'ini', file: origin.file, line: origin.line }
        : { kind: 'directory-file', path: origin.path };
  return { key, origin: shown, value: later.empty ? 'empty' : 'set', variables: [] };
}

/** One key's line of the text listing. */
function keyLine(listed: ListedKey): string {
  const { origin } = listed;
  if (origin.kind !== 'ini') {
    const where =
      origin.kind === 'variable' ? (origin.name === null ? 'a variable' : `variable ${origin.name}`) : origin.path;
    return `  ${listed.key}  <- ${where}`;
  }
  const key = listed.key ?? `(key on line ${origin.line}, not shown: it looks like a value)`;
  if (listed.value !== 'reference') return `  ${key}${listed.value === 'empty' ? '  (empty)' : ''}`;
  const described = listed.variables.map(
    ({ name, state, fallback }) =>
      `$${name ?? '<name not shown>'} (${STATE_TEXT[state](name ?? '')}${fallback ? ', with a fallback' : ''})`,
  );
  const hidden = listed.variables.some((variable) => variable.name === null);
  return `  ${key}  <- ${described.join(', ')}${hidden ? HIDDEN_NAME_NOTE : ''}`;
}

/** How the text listing says a {@link ReferencedVariable.state}. */
const STATE_TEXT: Record<ReferencedVariable['state'], (name: string) => string> = {
  set: () => 'set',
  empty: () => 'set, empty',
  unset: () => 'not set',
  file: (name) => `read from the file ${name}${FILE_VARIABLE_SUFFIX} names`,
  conflict: (name) => `set, and ${name}${FILE_VARIABLE_SUFFIX} too: an error`,
};

/**
 * The keys `--secrets-dir` and `--env-prefix` set (a later source winning),
 * each with its origin and whether its value is empty, and the sources in
 * order; the directories' warnings are pushed onto `warnings` as each is
 * read. Values are read (a directory cannot be listed otherwise) but never
 * kept. Without `--sections`, a variable matches only keys the file or a
 * directory holds.
 */
async function laterSources(
  ctx: CliContext,
  options: KeysOptions,
  env: Environment,
  fileSections: ReadonlyMap<string, { readonly entries: ReadonlyMap<string, unknown> }>,
  warnings: SecretsProblem[],
): Promise<{ sources: LaterSource[]; origins: Map<string, Map<string, { origin: Origin; empty: boolean }>> }> {
  const sources: LaterSource[] = [];
  const origins = new Map<string, Map<string, { origin: Origin; empty: boolean }>>();
  const loaded = new Map<string, Map<string, true>>();
  for (const [name, section] of fileSections)
    loaded.set(name, new Map([...section.entries.keys()].map((k) => [k, true])));
  const add = (
    sections: ReadonlyMap<string, ReadonlyMap<string, { readonly value: string; readonly origin: Origin }>>,
  ): void => {
    for (const [name, values] of sections) {
      let keys = origins.get(name);
      if (!keys) origins.set(name, (keys = new Map()));
      let known = loaded.get(name);
      if (!known) loaded.set(name, (known = new Map()));
      for (const [key, { value, origin }] of values) {
        keys.set(key, { origin, empty: value.length === 0 });
        known.set(key, true);
      }
    }
  };
  for (const source of commandSources(ctx, options)) {
    if (source.kind === 'directory') {
      const read = await readSecretsDirectory(source.path, { environment: options.environment });
      warnings.push(...read.warnings);
      sources.push({ kind: 'directory', path: source.path });
      add(read.sections);
    } else if (source.kind === 'env') {
      const read = matchEnvOverrides(env, source.prefix, { sections: new Map() }, loaded);
      sources.push({ kind: 'variables', prefix: source.prefix });
      add(read.sections);
    }
  }
  return { sources, origins };
}

/** Ends a line with a `$<name not shown>`: why, and what to write if the `$` was meant literally. */
const HIDDEN_NAME_NOTE =
  ' — not an upper-case variable name like API_KEY, so it may be part of the value ($$ writes a literal $)';

/** As interpolation sees the variable: only an own string property is set. */
function variableState(env: Environment, name: string): ReferencedVariable['state'] {
  const fileVariable = isConventionalVariableName(name) && ownString(env, name + FILE_VARIABLE_SUFFIX) !== undefined;
  if (!Object.prototype.hasOwnProperty.call(env, name) || typeof env[name] !== 'string') {
    return fileVariable ? 'file' : 'unset';
  }
  if (fileVariable) return 'conflict';
  return env[name] === '' ? 'empty' : 'set';
}

/** Variables a value reads, in order, also those inside fallbacks; each once. */
function references(template: Template): { name: string; fallback: boolean }[] {
  const found = new Map<string, boolean>();
  const walk = (parts: Template): void => {
    for (const part of parts) {
      if (typeof part === 'string') continue;
      found.set(part.name, (found.get(part.name) ?? false) || part.fallback !== undefined);
      if (part.fallback) walk(part.fallback);
    }
  };
  walk(template);
  return [...found].map(([name, fallback]) => ({ name, fallback }));
}
