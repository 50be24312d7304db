/**
 * `check --sections <module>`: the app's own DTO classes, taken from a built
 * JS module (CommonJS or ES module) the way the app would import them.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getSectionOptions } from '../decorators';
import type { SecretsClass } from '../load-secrets';
import { CliError, EXIT_USAGE } from './context';

/**
 * Imports `specifier` (a path, relative to `cwd`) and returns every exported
 * class that carries its own `@SecretsSection`, in export order. A CommonJS
 * module's `module.exports` properties count as exports.
 *
 * @throws CliError (exit 2) when the module cannot be imported or exports no
 *   such class.
 */
export async function loadSectionClasses(cwd: string, specifier: string): Promise<SecretsClass[]> {
  const file = path.resolve(cwd, specifier);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(`cannot import the --sections module ${file}: ${describeImportError(error)}`, EXIT_USAGE);
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
        'the module must use the same nestjs-ini-secrets installation as this command).',
      EXIT_USAGE,
    );
  }
  return classes;
}

// Loading a module runs no secrets file, so its error says nothing secret;
// only the first line is kept (stack traces follow).
function describeImportError(error: unknown): string {
  const name = (error as Error)?.name ?? 'error';
  const message = String((error as Error)?.message ?? '').split('\n')[0];
  return message ? `${name}: ${message}` : name;
}
