import type { RawSections } from '../../lib/model';

/**
 * RawSections from a tiny INI text, for the convert/validate stage tests:
 * `[name]` headers and `key = value` lines (split at the first `=`, trimmed),
 * with their 1-based line numbers. No quoting, comments or interpolation —
 * that is the parser's job, tested elsewhere.
 */
export function rawSections(text: string): RawSections {
  const sections: RawSections = new Map();
  let current: RawSections extends Map<string, infer S> ? S : never;
  text.split('\n').forEach((source, index) => {
    const line = source.trim();
    if (line === '') return;
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      current = { name: header[1]!.trim(), line: index + 1, values: new Map() };
      sections.set(current.name, current);
      return;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || !current) throw new Error(`test helper: bad line ${index + 1}`);
    current.values.set(line.slice(0, eq).trim(), { value: line.slice(eq + 1).trim(), line: index + 1 });
  });
  return sections;
}

/** RawSections as `overrides`/`values` give them: no line numbers. */
export function rawValues(values: Record<string, Record<string, string>>): RawSections {
  const sections: RawSections = new Map();
  for (const [name, keys] of Object.entries(values)) {
    sections.set(name, { name, values: new Map(Object.entries(keys).map(([k, value]) => [k, { value }])) });
  }
  return sections;
}
