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
import { CliError, EXIT_PROBLEM, EXIT_USAGE } from './context';
import { settledBeforeExit } from './module-lifetime';

/** What `--sections` may name: a built JS module, never a data file run as code. */
const MODULE_EXTENSION = /\.(?:js|cjs|mjs)$/;

/**
 * Imports `specifier` (a path, relative to `cwd`) and returns every exported
 * class that carries its own `@SecretsSection`, in export order (see
 * {@link exportOrder}). A CommonJS module's `module.exports` properties count
 * as exports.
 *
 * @throws CliError (exit 2) when `specifier` does not exist ("not found"), is
 *   not a regular `.js`, `.cjs` or `.mjs` file, or exports no such class; (exit 1) when importing it
 *   throws, or never settles (a top-level `await` of something that never
 *   comes, once nothing else keeps the process running).
 */
export async function loadSectionClasses(cwd: string, specifier: string): Promise<SecretsClass[]> {
  const file = path.resolve(cwd, specifier);
  // Checked before the import: a `.env`, a key file or a device would be run as
  // code, its content quoted by the syntax error (or read without end).
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat) {
    throw new CliError(
      `--sections ${file}: not found; build the app first (--sections names the built module exporting the DTO classes, e.g. dist/secrets.js)`,
      EXIT_USAGE,
    );
  }
  if (!MODULE_EXTENSION.test(file) || !stat.isFile()) {
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
  const candidates = await exportOrder(namespace, file);
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
 * The module's exports in the order they were exported: first the `default`
 * export's properties in insertion order (a CommonJS module's
 * `module.exports`), then the named exports — which a module namespace lists
 * sorted by name — ordered by where each one's source text starts in `file`
 * (`Function.prototype.toString`; an ES module's classes declared there), the
 * others after, by name.
 */
async function exportOrder(namespace: Record<string, unknown>, file: string): Promise<unknown[]> {
  const fallback = namespace.default;
  const first =
    fallback !== null && (typeof fallback === 'object' || typeof fallback === 'function')
      ? Object.values(fallback)
      : [];
  const named = Object.values(namespace).filter((value) => !first.includes(value));
  const source = await fs.readFile(file, 'utf8').catch(() => '');
  const position = (value: unknown): number => {
    const at = typeof value === 'function' ? source.indexOf(Function.prototype.toString.call(value)) : -1;
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  // Array.prototype.sort is stable: those not found keep the namespace's order (by name).
  return [...first, ...named.sort((a, b) => position(a) - position(b))];
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
  if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]{0,63}$/.test(code)) return name;
  return `${name} (${code})${missingPackage(error, code)}`;
}

/**
 * For a module that was not found, the package it names — a package name is
 * code, not data, so it may be shown; anything else from the message is not —
 * and, for `@nestjs/*`, where a DTO file should import from instead.
 */
function missingPackage(error: unknown, code: string): string {
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return '';
  const message = (error as { message?: unknown }).message;
  const named =
    typeof message === 'string' ? /^Cannot find (?:module|package) '([^']*)'/.exec(message)?.[1] : undefined;
  if (named === undefined || !PACKAGE_NAME.test(named)) return '';
  const hint = named.startsWith('@nestjs/')
    ? '; DTO files can import nestjs-ini-secrets/core, which needs no @nestjs/* package'
    : '';
  return `: ${named} is not installed${hint}`;
}

/** An npm package name (scoped or not, optionally a subpath): what `Cannot find module` may name safely. */
const PACKAGE_NAME = /^(?:@[a-z0-9][\w.-]{0,213}\/)?[a-z0-9][\w.-]{0,213}(?:\/[\w.-]{1,100}){0,4}$/;
