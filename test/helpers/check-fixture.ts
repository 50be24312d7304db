/**
 * Secrets files that the `check` fixture's DTOs (test/fixtures/check/sections.js)
 * accept, shared by the `check` specs.
 */

/** 40 hex digits, different for each `n`. */
export function token(n: number): string {
  return n.toString(16).padStart(8, '0').repeat(5);
}

/**
 * A file the fixture's DTOs accept, with secrets `base`, `base + 1`, `base + 2`
 * (use a different base per environment); `replace` swaps whole lines.
 */
export function secretsFile(base: number, replace: Record<string, string> = {}): string {
  const lines = [
    '[authentication]',
    `secret = ${token(base)}`,
    '[authomatic]',
    `secret = ${token(base + 1)}`,
    '[facebook]',
    'class = authomatic.providers.oauth2.Facebook',
    'consumer_key =',
    'consumer_secret =',
    'scope = user_about_me, email',
    '[twitter]',
    'class = authomatic.providers.oauth1.Twitter',
    '[session]',
    `secret = ${token(base + 2)}`,
  ];
  return lines.map((line) => replace[line] ?? line).join('\n') + '\n';
}
