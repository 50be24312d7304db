/**
 * The template `init --sections` builds from the app's `@SecretsSection`
 * classes: every section and every declared key (sections in the order of
 * their first class in export order, keys in declaration order, base classes first), with a fresh token for each key whose rules allow one (see
 * `token-rules.ts`) and `# fill in (<reason>)` above each other key.
 */
import { getSectionOptions } from '../dto/decorators';
import { describeDto, validationMetadatas } from '../dto/keys';
import { SecretsError, type SecretsProblem } from '../errors';
import type { SecretsClass } from '../load-secrets';
import { parseIni } from '../sources/parse';
import { drawToken, planKey, type KeyDeclaration, type KeyPlan } from './token-rules';

/** One section of the template. */
export interface SectionPlan {
  readonly name: string;
  /** Names of the classes claiming the section, in export order. */
  readonly classes: readonly string[];
  /** Whether every claiming class is `optional`: the section is written commented out. */
  readonly optional: boolean;
  readonly keys: readonly { readonly key: string; readonly plan: KeyPlan }[];
}

/** What `init --sections` writes, decided once; {@link renderDtoTemplate} draws the tokens per file. */
export interface DtoTemplate {
  readonly sections: readonly SectionPlan[];
  /** Number of tokens per rendered file, those of commented-out optional sections left out. */
  readonly tokens: number;
  /** `[section] key, key` for each section with required keys to fill in, optional sections left out. */
  readonly required: readonly string[];
}

const HEADER =
  "# Secrets of this environment, made by `nest-secrets init --sections` from the app's DTOs.\n" +
  '# Keep this file out of git: commit it encrypted (`nest-secrets encrypt`) instead.\n' +
  '# Keys marked "fill in" have no generated value; those not marked optional need one before `nest-secrets check` passes.\n';

/**
 * Plans the template of `classes` (each carrying its own `@SecretsSection`,
 * as `loadSectionClasses` returns them). Sections claimed by several classes
 * are written once, with the keys of all of them; a key declared by several
 * gets a token only when the rules of every declaration accept it.
 *
 * @throws SecretsError `SYNTAX` for each key no secrets file can hold as
 *   named (`#…` and `;…` are comments, `a=b` is key `a`, spaces are trimmed):
 *   the file written would never pass `check`
 */
export function planDtoTemplate(classes: readonly SecretsClass[]): DtoTemplate {
  type Claimed = { classes: string[]; optional: boolean; keys: Map<string, KeyDeclaration[]> };
  const sections = new Map<string, Claimed>();
  for (const cls of classes) {
    const { name, optional } = getSectionOptions(cls);
    const section: Claimed = sections.get(name) ?? { classes: [], optional: true, keys: new Map() };
    sections.set(name, section);
    section.classes.push(cls.name || 'an anonymous class');
    section.optional &&= optional;
    const rules = validationMetadatas(cls);
    for (const property of describeDto(cls, name).description.properties) {
      const declaration = { property, rules: rules.filter((rule) => rule.propertyName === property.property) };
      section.keys.set(property.key, [...(section.keys.get(property.key) ?? []), declaration]);
    }
  }
  unwritableKeys(sections);
  const planned: SectionPlan[] = [...sections].map(([name, section]) => ({
    name,
    classes: section.classes,
    optional: section.optional,
    keys: [...section.keys].map(([key, declarations]) => ({ key, plan: planKey(declarations) })),
  }));
  // Tokens in a commented-out optional section are not counted: nothing reads them until it is uncommented.
  const tokens = planned
    .filter((s) => !s.optional)
    .flatMap((s) => s.keys)
    .filter(({ plan }) => plan.kind === 'token').length;
  const required = planned
    .filter((s) => !s.optional)
    .map((s) => ({ name: s.name, keys: s.keys.filter(({ plan }) => plan.kind === 'fill' && !plan.optional) }))
    .filter((s) => s.keys.length)
    .map((s) => `[${s.name}] ${s.keys.map(({ key }) => key).join(', ')}`);
  return { sections: planned, tokens, required };
}

/**
 * The file text of `template`, with fresh tokens. An optional section is
 * written commented out (`# [mail]`, `# password = …`): absent, it loads as
 * `null`; uncommented, its keys are checked like any other.
 */
export function renderDtoTemplate(template: DtoTemplate): string {
  const parts = [HEADER];
  for (const section of template.sections) {
    const lines = [`[${section.name}]`];
    for (const { key, plan } of section.keys) {
      if (plan.kind === 'token') lines.push(`${key} = ${drawToken(plan)}`);
      else {
        if (!section.optional) lines.push(`# fill in (${plan.reason})`);
        lines.push(`${key} =`);
      }
    }
    const from = `# ${section.classes.join(', ')}`;
    parts.push(
      section.optional
        ? `${from}: an optional section; to configure it, remove the "# " of the lines below and fill in the empty values.\n` +
            lines.map((line) => `# ${line}\n`).join('')
        : `${from}\n${lines.map((line) => `${line}\n`).join('')}`,
    );
  }
  return parts.join('\n');
}

/**
 * @throws SecretsError `SYNTAX` for each declared key that a `key = value`
 *   line under its section does not parse back to, naming the property
 *   that reads it
 */
function unwritableKeys(
  sections: ReadonlyMap<string, { classes: readonly string[]; keys: ReadonlyMap<string, KeyDeclaration[]> }>,
): void {
  const problems: SecretsProblem[] = [];
  for (const [section, { classes, keys }] of sections) {
    for (const [key, declarations] of keys) {
      if (parsesBack(section, key)) continue;
      const properties = declarations.map(({ property }) => property.property).join(', ');
      problems.push({
        code: 'SYNTAX',
        section,
        message:
          `key ${JSON.stringify(key)} (property ${properties} of ${classes.join(', ')}) cannot be written in a ` +
          'secrets file: a "key = value" line ' +
          'would not read back as that key (a key starting with "#" or ";" is a comment, "=" ends it, spaces around ' +
          'it are dropped); read another key with @Expose({ name })',
      });
    }
  }
  if (problems.length) throw new SecretsError(problems);
}

/** Whether `[section]` / `key = x` parses to exactly that section holding exactly that key. */
function parsesBack(section: string, key: string): boolean {
  try {
    const parsed = parseIni(`[${section}]\n${key} = x\n`).sections;
    const entries = parsed.get(section)?.entries;
    return parsed.size === 1 && entries?.size === 1 && entries.has(key);
  } catch {
    return false;
  }
}
