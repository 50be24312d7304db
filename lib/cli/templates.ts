/**
 * Templates of `nest-secrets init`: the built-in Nest example and the
 * `{{random}}` / `{{random:N}}` tokens of custom templates.
 */
import { SecretsError, type SecretsProblem } from '../errors';
import { DEFAULT_TOKEN_BYTES, hexToken, MAX_TOKEN_BYTES } from './tokens';

/**
 * The built-in template, for a Nest app without secrets DTOs yet: a session
 * secret and a JWT signing secret with fresh random tokens, and two OAuth
 * provider sections in the shape of the package's own
 * `OAuth2ProviderSecrets` / `OAuth1ProviderSecrets` (keys empty: "not
 * configured"). `init --sections` writes the app's own sections instead.
 */
export const BUILT_IN_TEMPLATE = `# Secrets of this environment, made by \`nest-secrets init\`.
# Keep this file out of git: commit it encrypted (\`nest-secrets encrypt\`) instead.
# An example: keep the sections your app declares with @SecretsSection, delete the others
# (\`nest-secrets init --sections <module>\` writes exactly the sections of your DTOs).

[session]
# Signs the session cookie (express-session's secret).
secret = {{random}}

[jwt]
# Signs access tokens (@nestjs/jwt's secret).
secret = {{random}}

[facebook]
# OAuth2ProviderSecrets (passport-facebook). Fill in both keys to enable it; both empty = not configured.
consumer_key =
consumer_secret =
scope = email
# e.g. http://localhost:3000/auth/facebook/callback
callback_url =

[twitter]
# OAuth1ProviderSecrets (passport-twitter). Fill in both keys to enable it; both empty = not configured.
consumer_key =
consumer_secret =
# e.g. http://localhost:3000/auth/twitter/callback
callback_url =
`;

/** `{{random}}`, `{{random:N}}`, and anything else that starts like them (an error). */
const TOKEN = /\{\{\s*random\b([^}]*)\}\}/g;

/** A template checked once, ready to render per environment. */
export interface Template {
  /** Where the template came from, for messages (`undefined`: built in). */
  readonly file: string | undefined;
  readonly text: string;
  /** Number of tokens, i.e. random values per rendered file. */
  readonly tokens: number;
}

/**
 * Checks every `{{random…}}` token of `text`.
 *
 * @throws SecretsError `SYNTAX` naming the line and column of each malformed
 *   token (`{{random:0}}`, `{{random:abc}}`, N above {@link MAX_TOKEN_BYTES}).
 */
export function compileTemplate(text: string, file: string | undefined): Template {
  const problems: SecretsProblem[] = [];
  let tokens = 0;
  for (const match of text.matchAll(TOKEN)) {
    tokens++;
    if (tokenBytes(match[1]!) === undefined) {
      const before = text.slice(0, match.index);
      const line = before.split(/\r\n|\r|\n/).length;
      const column = match.index - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'));
      problems.push({
        code: 'SYNTAX',
        file,
        line,
        column,
        message: `a random token is {{random}} (${DEFAULT_TOKEN_BYTES} bytes) or {{random:N}} with N from 1 to ${MAX_TOKEN_BYTES} bytes`,
      });
    }
  }
  if (problems.length) throw new SecretsError(problems);
  return { file, text, tokens };
}

/**
 * The template with every token replaced by fresh random bytes from
 * `crypto.randomBytes`, as lower-case hex (`{{random:N}}`: N bytes, 2N
 * digits). Hex digits mean the same unquoted, in `"…"` and in `'…'`, so a
 * token may stand anywhere in a value.
 */
export function renderTemplate(template: Template): string {
  return template.text.replace(TOKEN, (_match, rest: string) => hexToken(2 * tokenBytes(rest)!));
}

function tokenBytes(rest: string): number | undefined {
  const spec = rest.trim();
  if (spec === '') return DEFAULT_TOKEN_BYTES;
  const n = /^:\s*(\d{1,5})$/.exec(spec)?.[1];
  if (n === undefined) return undefined;
  const bytes = Number(n);
  return bytes >= 1 && bytes <= MAX_TOKEN_BYTES ? bytes : undefined;
}
