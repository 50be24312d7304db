import type { Reference } from '../../lib/model';
import { parseIni } from '../../lib/sources/parse';

/**
 * `{ section: { key: value } }` of a parsed file, each template joined with
 * `reference` standing in for its variable references (by default a file
 * with references is a test mistake).
 */
export function parsedValues(
  text: string,
  reference: (part: Reference) => string = (part) => {
    throw new Error(`unexpected reference to ${part.name}`);
  },
): Record<string, Record<string, string>> {
  const result: Record<string, Record<string, string>> = {};
  for (const section of parseIni(text).sections.values()) {
    const entries: Record<string, string> = {};
    for (const entry of section.entries.values()) {
      entries[entry.key] = entry.template.map((part) => (typeof part === 'string' ? part : reference(part))).join('');
    }
    result[section.name] = entries;
  }
  return result;
}
