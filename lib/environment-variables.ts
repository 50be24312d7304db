/**
 * Access to environment variables. Every stage reads variables from an
 * `Environment` it is given (`process.env` by default, a test's own map
 * otherwise), never from `process.env` directly, and only through
 * {@link ownString}: an inherited property is no variable.
 */

/** Variables as given to the loader: `process.env` or a test's own map. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** `env[name]` when it is an own, non-empty string (never an inherited property). */
export function ownString(env: Environment, name: string): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(env, name)) return undefined;
  const value = env[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
