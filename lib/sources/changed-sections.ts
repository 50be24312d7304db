/**
 * Which sections a reload changed: what a watch reports (`watchSecrets`,
 * `nest-secrets exec --watch`). Its own file so that `exec` loads no DTO stage.
 */
import type { RawSections } from '../model';

/** Names of the sections whose keys or values differ: new order first, then the removed ones. */
export function changedSections(before: RawSections, after: RawSections): string[] {
  const changed: string[] = [];
  for (const [name, section] of after) {
    const old = before.get(name);
    if (!old || old.values.size !== section.values.size) {
      changed.push(name);
      continue;
    }
    for (const [key, { value }] of section.values) {
      if (old.values.get(key)?.value !== value) {
        changed.push(name);
        break;
      }
    }
  }
  for (const name of before.keys()) if (!after.has(name)) changed.push(name);
  return changed;
}
