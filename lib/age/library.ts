import type * as AgeLibrary from 'age-encryption' with { 'resolution-mode': 'import' };

export type { AgeLibrary };

let loaded: Promise<typeof AgeLibrary> | undefined;

/**
 * The `age-encryption` package (ESM-only), loaded on first use so that
 * apps without encrypted files never pay for it.
 */
export function ageLibrary(): Promise<typeof AgeLibrary> {
  loaded ??= import('age-encryption');
  return loaded;
}
