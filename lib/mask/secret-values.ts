/**
 * Which strings of a loaded file are secret, for value-aware masking
 * (`Secrets.mask`): every raw value, from every section, except those of
 * keys that only `@NotSecret` properties read, plus the strings a DTO's
 * `@Transform` derived from a secret. Reads metadata and values; never
 * prints one.
 */
import { getSectionOptions } from '../dto/decorators';
import { inspectedForms, MASK_MIN_LENGTH } from './masker';
import type { RawSections } from '../model';
import { describedDto } from '../dto/known-sections';

/**
 * The strings to mask: each raw value of `raw` unless every loaded DTO that
 * reads its key (in its section) marks that property `@NotSecret`; every
 * string inside the secret properties of the `instances` (a transform may
 * have derived one the file does not contain, e.g. a decoded key); and, for
 * a value `util.inspect` would print escaped (control characters,
 * a backslash, or a `'` inside a string that also holds `"` and `` ` ``),
 * those escaped forms, so that it is also found inside an inspected object. Values the masker ignores (shorter than
 * `MASK_MIN_LENGTH`) may be included.
 */
export function secretValues(raw: RawSections, instances: ReadonlyMap<Function, object | null>): string[] {
  // key → whether it is secret, per section: secret as soon as one DTO reads it as secret.
  const shown = new Map<string, Map<string, boolean>>();
  const out = new Set<string>();
  for (const [cls, instance] of instances) {
    const section = getSectionOptions(cls).name;
    const { description } = describedDto(cls, section);
    let keys = shown.get(section);
    if (!keys) shown.set(section, (keys = new Map()));
    for (const property of description.properties) {
      keys.set(property.key, (keys.get(property.key) ?? true) && property.notSecret);
      if (!property.notSecret && instance)
        collectStrings((instance as Record<string, unknown>)[property.property], out);
    }
  }
  for (const section of raw.values()) {
    const keys = shown.get(section.name);
    for (const [key, { value }] of section.values) if (keys?.get(key) !== true) out.add(value);
  }
  for (const value of [...out]) {
    if (value.length >= MASK_MIN_LENGTH) for (const form of inspectedForms(value)) out.add(form);
  }
  return [...out];
}

/** Strings inside a converted value: itself, array items, object and Map/Set values, a URL's href. */
function collectStrings(value: unknown, out: Set<string>, seen = new Set<object>()): void {
  if (typeof value === 'string') {
    out.add(value);
    return;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (value instanceof URL) out.add(value.href);
  else if (value instanceof Map || value instanceof Set)
    for (const item of value.values()) collectStrings(item, out, seen);
  else if (!ArrayBuffer.isView(value)) for (const item of Object.values(value)) collectStrings(item, out, seen);
}
