/**
 * `check --sections <module>` and `init --sections <module>`: the app's own
 * DTO classes, taken from a built JS module (CommonJS or ES module) the way
 * the app would import them. The classes may be decorated by another copy of
 * this package than the command's: `@SecretsSection` records under a
 * registered symbol (see `../dto/decorators.ts`).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getSectionOptions } from '../dto/decorators';
import type { SecretsClass } from '../load-secrets';
import { CliError, EXIT_PROBLEM, EXIT_USAGE, type CliContext } from './context';

/** How long a command that imported a `--sections` module waits, once done, for the module's timers and sockets. */
export const MODULE_EXIT_GRACE_MS = 1000;

/** What `--sections` may name: a built JS module, never a data file run as code. */
const MODULE_EXTENSION = /\.(?:js|cjs|mjs)$/;

/**
 * Imports `specifier` (a path, relative to `cwd`) and returns every exported
 * class that carries its own `@SecretsSection`, in the order the module
 * namespace lists them (export names sorted, then the `default` export's
 * properties). A CommonJS module's `module.exports` properties count as exports.
 *
 * @throws CliError (exit 2) when `specifier` is not a regular `.js`, `.cjs`
 *   or `.mjs` file or exports no such class; (exit 1) when importing it
 *   throws, or never settles (a top-level `await` of something that never
 *   comes, once nothing else keeps the process running).
 */
export async function loadSectionClasses(cwd: string, specifier: string): Promise<SecretsClass[]> {
  const file = path.resolve(cwd, specifier);
  // Checked before the import: a `.env`, a key file or a device would be run as
  // code, its content quoted by the syntax error (or read without end).
  const stat = await fs.stat(file).catch(() => undefined);
  if (!MODULE_EXTENSION.test(file) || !stat?.isFile()) {
    throw new CliError(
      `--sections ${file}: must be a regular file ending in .js, .cjs or .mjs (the built module exporting the DTO classes)`,
      EXIT_USAGE,
    );
  }
  let namespace: Record<string, unknown>;
  try {
    namespace = (await settledBeforeExit(
      import(pathToFileURL(file).href),
      `cannot import the --sections module ${file}: its top-level await never settles`,
    )) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot import the --sections module ${file}: ${describeImportError(error)}`, EXIT_PROBLEM);
  }
  const candidates: unknown[] = Object.values(namespace);
  const fallback = namespace.default;
  if (fallback !== null && (typeof fallback === 'object' || typeof fallback === 'function')) {
    candidates.push(...Object.values(fallback));
  }
  const classes: SecretsClass[] = [];
  for (const candidate of candidates) {
    if (typeof candidate !== 'function' || classes.includes(candidate as SecretsClass)) continue;
    try {
      getSectionOptions(candidate);
    } catch {
      continue;
    }
    classes.push(candidate as SecretsClass);
  }
  if (classes.length === 0) {
    throw new CliError(
      `${file} exports no class decorated with @SecretsSection (export the DTO classes themselves; ` +
        'a class decorated by an older copy of nestjs-ini-secrets is recorded where this command cannot see it).',
      EXIT_USAGE,
    );
  }
  return classes;
}

/**
 * `work`, or a `CliError` (exit 1) with `message` when the event loop
 * empties while it is still pending: an ES module whose top-level `await`
 * never settles, or an async validator whose promise never does, would
 * otherwise end the process with exit 0, nothing checked. A rejection `work`
 * itself reaches in that last turn (an inner guard's) wins.
 */
export async function settledBeforeExit<T>(work: Promise<T>, message: string): Promise<T> {
  let onBeforeExit = (): void => undefined;
  const stalled = new Promise<never>((_, reject) => {
    onBeforeExit = () => void setImmediate(() => reject(new CliError(message, EXIT_PROBLEM)));
  });
  // First: a guard set up inside another's work (the import inside `check`'s) rejects first, with its own message.
  process.prependOnceListener('beforeExit', onBeforeExit);
  try {
    return await Promise.race([work, stalled]);
  } finally {
    process.off('beforeExit', onBeforeExit);
  }
}

// The message of an import error may quote the module's source or whatever the
// module put in it (a value it read): only the class name and code are shown.
function describeImportError(error: unknown): string {
  const isObject = error !== null && (typeof error === 'object' || typeof error === 'function');
  const constructorName = isObject ? (error as object).constructor?.name : undefined;
  const name =
    typeof constructorName === 'string' && /^[A-Za-z_$][\w$]{0,63}$/.test(constructorName)
      ? constructorName
      : typeof error;
  const code = isObject ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(code) ? `${name} (${code})` : name;
}

/**
 * Call when a command that imported (or tried to import) a `--sections`
 * module is done. A module that starts a timer or opens a connection when
 * imported (an app module that connects on load) would keep the process
 * running for ever: when run as the process (not in-process), it exits
 * {@link MODULE_EXIT_GRACE_MS} later with the exit code `main` has set by
 * then, unless it has ended by itself (the timer does not keep it running).
 */
export function exitDespiteModule(ctx: CliContext): void {
  if (ctx.streams.stdout !== process.stdout) return;
  setTimeout(() => ctx.exit(Number(process.exitCode ?? 0)), MODULE_EXIT_GRACE_MS).unref();
}
