/**
 * Loading one of this package's own modules on first use, off the start-up
 * path of commands that never need it (`nest-secrets exec` without `--mask`,
 * a load without DTO classes).
 */

/**
 * `viaRequire()` once built (CommonJS: a synchronous `require`, no ES-module
 * loader); `viaImport()` where the sources run as TypeScript (vitest), which
 * `require` cannot load. Pass the same module to both, as a literal
 * specifier relative to the calling file.
 *
 * @returns the module's exports
 * @throws whatever loading the module throws
 */
export function loadLazily<M>(viaRequire: () => M, viaImport: () => Promise<M>): Promise<M> {
  return __filename.endsWith('.js') ? Promise.resolve().then(viaRequire) : viaImport();
}
