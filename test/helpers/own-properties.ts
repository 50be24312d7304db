/**
 * Every own string-keyed property of `value` with its value, enumerable or
 * not: what a loaded DTO instance holds, although its secret properties are
 * not enumerable (spread and `Object.keys` do not list them).
 */
export function ownProperties(value: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.getOwnPropertyNames(value).map((key) => [key, (value as Record<string, unknown>)[key]]),
  );
}
