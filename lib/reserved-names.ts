/**
 * Names that are dangerous if a section or its keys ever become a plain
 * object's properties (prototype pollution): rejected as sections and keys by
 * the parser, by `@SecretsSection`, and in the `values`/`overrides` options.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
