/**
 * What DTO classes declare, described once per class: for the DTO stages and
 * for matching `envOverrides` variables to sections and keys. Its own file,
 * without the convert/validate stage, so that reading a file (`nest-secrets
 * exec`, `keys`) loads no more than it needs.
 */
import { getSectionOptions, type ResolvedSectionOptions } from './decorators';
import { describeDto } from './keys';
import { SecretsError } from '../errors';
import type { KnownSections } from '../sources/env-overrides';

// A class's decorators are applied once, when it is defined: describing it
// once per process is enough (forRoot, forFeature and test suites load the
// same classes again and again).
const descriptions = new WeakMap<Function, Map<string, ReturnType<typeof describeDto>>>();

/** `describeDto(cls, section)`, described once per process. */
export function describedDto(cls: Function, section: string): ReturnType<typeof describeDto> {
  let bySection = descriptions.get(cls);
  if (!bySection) descriptions.set(cls, (bySection = new Map()));
  let described = bySection.get(section);
  if (!described) bySection.set(section, (described = describeDto(cls, section)));
  return described;
}

/**
 * What the DTO classes declare, for matching `envOverrides` variables: each
 * section's keys (of every class claiming it) and whether any claiming class
 * allows unknown keys. A class that is not a valid DTO is left out here:
 * {@link buildSections} reports it.
 */
export function knownSections(classes: readonly Function[]): KnownSections {
  const sections = new Map<string, { keys: string[]; allowUnknownKeys: boolean }>();
  for (const cls of new Set(classes)) {
    let options: ResolvedSectionOptions;
    try {
      options = getSectionOptions(cls);
    } catch (error) {
      if (error instanceof SecretsError) continue;
      throw error;
    }
    const known = sections.get(options.name) ?? { keys: [], allowUnknownKeys: false };
    sections.set(options.name, known);
    known.allowUnknownKeys ||= options.allowUnknownKeys;
    for (const key of describedDto(cls, options.name).description.byKey.keys()) {
      if (!known.keys.includes(key)) known.keys.push(key);
    }
  }
  return { sections };
}
