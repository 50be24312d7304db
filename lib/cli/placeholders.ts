/**
 * Values that look like placeholders someone forgot to replace. `check`
 * reports them in every environment other than `development` and `test`.
 *
 * The rules, each matched anywhere in the value:
 * - `CHANGEME`: `changeme`, `change-me`, `change_me` or `change me` as a word
 *   (no letter right before or after), in any case;
 * - `TODO`: upper case only, as a word (`todo` is an ordinary word in names);
 * - `xxxx`: a run of four or more `x`, or of four or more `X` (one case per run);
 * - `<...>`: text in angle brackets, e.g. `<your api key>` (a `<` followed by
 *   something other than whitespace, then a `>`);
 * - `example`: in any case, also inside a word (`example.com`, AWS's
 *   documented `…EXAMPLE` keys).
 *
 * Random tokens written by `init` (hex) can match none of them.
 */

/** One rule: its name (shown in messages instead of the value) and pattern. */
export interface PlaceholderRule {
  readonly name: string;
  readonly pattern: RegExp;
}

export const PLACEHOLDER_RULES: readonly PlaceholderRule[] = [
  { name: 'CHANGEME', pattern: /(?<![a-z])change[-_ ]?me(?![a-z])/i },
  { name: 'TODO', pattern: /(?<![A-Za-z])TODO(?![A-Za-z])/ },
  { name: 'xxxx', pattern: /x{4}|X{4}/ },
  { name: '<...>', pattern: /<[^<>\s][^<>]*>/ },
  { name: 'example', pattern: /example/i },
];

/** The name of the first rule `value` matches, or `undefined`. */
export function placeholderRule(value: string): string | undefined {
  return PLACEHOLDER_RULES.find((rule) => rule.pattern.test(value))?.name;
}
