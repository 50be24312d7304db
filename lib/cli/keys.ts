import type { Command } from 'commander';
import { isPresentableName } from '../errors';
import type { Template } from '../model';
import { isConventionalVariableName } from '../sources/template';
import type { CliContext } from './context';
import { OPTIONS, resolveDir, type CommandOptions } from './options';
import { commandEnv, readParsed } from './raw-secrets';
import type { Environment } from '../environment-variables';

/** `nest-secrets keys -e <name> [--dir <d>]` */
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
    .action(async (options: Pick<CommandOptions, 'environment' | 'dir'>) => keys(ctx, options));
}

async function keys(ctx: CliContext, options: Pick<CommandOptions, 'environment' | 'dir'>): Promise<void> {
  const env = commandEnv(ctx.env);
  const { file, encrypted, parsed } = await readParsed(options.environment, resolveDir(ctx, options.dir), env);
  const out: string[] = [`${file}${encrypted ? ' (decrypted in memory)' : ''}`];
  for (const section of parsed.sections.values()) {
    out.push(`[${section.name}]`);
    for (const entry of section.entries.values()) {
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
  }
  ctx.stdout(`${out.join('\n')}\n`);
}

/** Ends a line with a `$<name not shown>`: why, and what to write if the `$` was meant literally. */
const HIDDEN_NAME_NOTE =
  ' — not an upper-case variable name like API_KEY, so it may be part of the value ($$ writes a literal $)';

/** As interpolation sees the variable: only an own string property is set. */
function variableState(env: Environment, name: string): string {
  if (!Object.prototype.hasOwnProperty.call(env, name) || typeof env[name] !== 'string') return 'not set';
  return env[name] === '' ? 'set, empty' : 'set';
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
