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

/** `/run/secrets/x`, `./x`, `../x` (or a Windows path). */
const WRITTEN_AS_PATH = /^(?:[/\\]|\.\.?[/\\]|[A-Za-z]:[/\\])/;

/**
 * How a message names the file a `*_FILE` variable gives: its absolute path
 * when the variable's text is written as a path (`/…`, `./…`, `../…`);
 * otherwise a phrase, since a value pasted into the variable by mistake
 * (`API_KEY_FILE=s3cret`, an `AGE-SECRET-KEY-1…`) would be shown as a path.
 */
export function describeNamedPath(given: string, resolved: string): string {
  return WRITTEN_AS_PATH.test(given)
    ? resolved
    : 'a relative path (not shown: only one starting with /, ./ or ../ is, as a value pasted there would be)';
}
