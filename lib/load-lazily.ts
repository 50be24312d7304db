/**
 * Loading one of this package's own modules on first use, off the start-up
 * path of commands that never need it (`nest-secrets exec` without `--mask`,
 * a load without DTO classes).
 */

/**
 * `viaRequire()` once built (CommonJS: a synchronous `require`, no ES-module
 * loader), also where a bundler has inlined the package (an ES-module bundle
 * defines no `__filename`; a bundle's `require` is its own); `viaImport()`
 * only where the sources run as TypeScript (vitest), which `require` cannot
 * load. Pass the same module to both, as a literal specifier relative to the
 * calling file.
 *
 * @returns the module's exports
 * @throws whatever loading the module throws
 */
export function loadLazily<M>(viaRequire: () => M, viaImport: () => Promise<M>): Promise<M> {
  return runsAsTypeScript() ? viaImport() : Promise.resolve().then(viaRequire);
}

function runsAsTypeScript(): boolean {
  return typeof __filename === 'string' && /\.[cm]?tsx?$/.test(__filename);
}
