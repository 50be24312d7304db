import type { Command } from 'commander';
import { isPresentableName } from '../errors';
import type { Template } from '../model';
import { isConventionalVariableName } from '../sources/template';
import type { CliContext } from './context';
import { OPTIONS, resolveDir, type CommandOptions } from './options';
import { commandEnv, commandSources, readParsed } from './raw-secrets';
import { ownString, type Environment } from '../environment-variables';
import { FILE_VARIABLE_SUFFIX } from '../sources/file-variables';
import { formatProblem } from '../errors';
import { matchEnvOverrides } from '../sources/env-overrides';
import { describeOrigin, type Origin } from '../sources/origin';
import { readSecretsDirectory } from '../sources/secrets-directory';

type KeysOptions = Pick<CommandOptions, 'environment' | 'dir' | 'secretsDir' | 'envPrefix'>;

/** `nest-secrets keys -e <name> [--dir <d>] [--secrets-dir <d>]… [--env-prefix <p>]` */
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
    .action(async (options: KeysOptions) => keys(ctx, options));
}

async function keys(ctx: CliContext, options: KeysOptions): Promise<void> {
  const env = commandEnv(ctx.env);
  const { file, encrypted, parsed } = await readParsed(options.environment, resolveDir(ctx, options.dir), env);
  const out: string[] = [`${file}${encrypted ? ' (decrypted in memory)' : ''}`];
  const later = await laterSources(ctx, options, env, parsed.sections);
  out.push(...later.headers);
  const laterKeyLine = (key: string, origin: Origin): string => `  ${key}  <- ${describeOrigin(origin)}`;
  for (const section of parsed.sections.values()) {
    out.push(`[${section.name}]`);
    const replaced = later.origins.get(section.name);
    for (const entry of section.entries.values()) {
      const origin = replaced?.get(entry.key);
      if (origin) {
        out.push(laterKeyLine(entry.key, origin));
        continue;
      }
      // A wrapped base64 line of a value parses as a key: such a "key" is not shown.
      const key = isPresentableName(entry.key)
        ? entry.key
        : `(key on line ${entry.line}, not shown: it looks like a value)`;
      const variables = references(entry.template);
      if (variables.length === 0) {
        out.push(`  ${key}${entry.template.length === 0 ? '  (empty)' : ''}`);
        continue;
      }
      // Only conventional names are shown: in `Pa55$wordXYZsecret` the "variable"
      // is the rest of a password whose `$` was meant literally.
      let hidden = false;
      const described = variables.map(({ name, fallback }) => {
        const shown = isConventionalVariableName(name);
        hidden ||= !shown;
        return `$${shown ? name : '<name not shown>'} (${variableState(env, name)}${fallback ? ', with a fallback' : ''})`;
      });
      out.push(`  ${key}  <- ${described.join(', ')}${hidden ? HIDDEN_NAME_NOTE : ''}`);
    }
    for (const [key, origin] of replaced ?? []) {
      if (!section.entries.has(key)) out.push(laterKeyLine(key, origin));
    }
  }
  for (const [name, origins] of later.origins) {
    if (parsed.sections.has(name)) continue;
    out.push(`[${name}]`);
    for (const [key, origin] of origins) out.push(laterKeyLine(key, origin));
  }
  ctx.stdout(`${out.join('\n')}\n`);
}

/**
 * The keys `--secrets-dir` and `--env-prefix` set (a later source winning),
 * each with its origin, and one `+ <source>` header line per source. Values
 * are read (a directory cannot be listed otherwise) but never kept. Without
 * `--sections`, a variable matches only keys the file or a directory holds.
 */
async function laterSources(
  ctx: CliContext,
  options: KeysOptions,
  env: Environment,
  fileSections: ReadonlyMap<string, { readonly entries: ReadonlyMap<string, unknown> }>,
): Promise<{ headers: string[]; origins: Map<string, Map<string, Origin>> }> {
  const headers: string[] = [];
  const origins = new Map<string, Map<string, Origin>>();
  const loaded = new Map<string, Map<string, true>>();
  for (const [name, section] of fileSections)
    loaded.set(name, new Map([...section.entries.keys()].map((k) => [k, true])));
  const add = (sections: ReadonlyMap<string, ReadonlyMap<string, { readonly origin: Origin }>>): void => {
    for (const [name, values] of sections) {
      let keys = origins.get(name);
      if (!keys) origins.set(name, (keys = new Map()));
      let known = loaded.get(name);
      if (!known) loaded.set(name, (known = new Map()));
      for (const [key, { origin }] of values) {
        keys.set(key, origin);
        known.set(key, true);
      }
    }
  };
  for (const source of commandSources(ctx, options)) {
    if (source.kind === 'directory') {
      const read = await readSecretsDirectory(source.path, { environment: options.environment });
      for (const warning of read.warnings) ctx.stderr(`warning: ${formatProblem(warning)}\n`);
      headers.push(`+ ${source.path} (directory)`);
      add(read.sections);
    } else if (source.kind === 'env') {
      const read = matchEnvOverrides(env, source.prefix, { sections: new Map() }, loaded);
      headers.push(`+ ${source.prefix}* (variables)`);
      add(read.sections);
    }
  }
  return { headers, origins };
}

/** Ends a line with a `$<name not shown>`: why, and what to write if the `$` was meant literally. */
const HIDDEN_NAME_NOTE =
  ' — not an upper-case variable name like API_KEY, so it may be part of the value ($$ writes a literal $)';

/** As interpolation sees the variable: only an own string property is set. */
function variableState(env: Environment, name: string): string {
  const fileVariable = isConventionalVariableName(name) && ownString(env, name + FILE_VARIABLE_SUFFIX) !== undefined;
  if (!Object.prototype.hasOwnProperty.call(env, name) || typeof env[name] !== 'string') {
    return fileVariable ? `read from the file ${name}${FILE_VARIABLE_SUFFIX} names` : 'not set';
  }
  const state = env[name] === '' ? 'set, empty' : 'set';
  return fileVariable ? `${state}, and ${name}${FILE_VARIABLE_SUFFIX} too: an error` : state;
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
