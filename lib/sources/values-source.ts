import type { RawSections } from '../model';
import type { SectionValues } from './interpolate';
import type { SourceResult } from './source';

/**
 * The source of the `values` option: its raw strings are the sections, with
 * no file, no lines and no interpolation.
 */
export function valuesSource(values: SectionValues): SourceResult {
  const raw: RawSections = new Map();
  applyValues(raw, values);
  return { raw, source: 'values', file: null, encrypted: false, parsed: null };
}

/**
 * Sets each key of `values` in `raw` (adding sections as needed): how
 * `values` become sections, and how `overrides` apply on top of any source.
 */
export function applyValues(raw: RawSections, values: SectionValues): void {
  for (const [sectionName, keys] of Object.entries(values)) {
    let section = raw.get(sectionName);
    if (!section) {
      section = { name: sectionName, values: new Map() };
      raw.set(sectionName, section);
    }
    for (const [key, value] of Object.entries(keys)) section.values.set(key, { value });
  }
}
