/**
 * Templates of `nest-secrets init`: the built-in Websauna layout and the
 * `{{random}}` / `{{random:N}}` tokens of custom templates.
 */
import { SecretsError, type SecretsProblem } from '../errors';
import { DEFAULT_TOKEN_BYTES, hexToken, MAX_TOKEN_BYTES } from './tokens';

export { DEFAULT_TOKEN_BYTES, MAX_TOKEN_BYTES };

/**
 * The built-in template: the layout of the origin framework's generated
 * project (Websauna). OAuth providers start with empty keys, which means
 * "not configured"; the three secrets get fresh random tokens.
 */
export const BUILT_IN_TEMPLATE = `# Secrets of this environment, made by \`nest-secrets init\`.
# Keep this file out of git: commit it encrypted (\`nest-secrets encrypt\`) instead.

[authentication]
# Signs password-reset and activation tokens.
secret = {{random}}

[authomatic]
# authomatic's own state (CSRF) secret.
secret = {{random}}

[facebook]
# Fill in both keys to enable Facebook login; both empty = not configured.
class = authomatic.providers.oauth2.Facebook
consumer_key =
consumer_secret =
scope = user_about_me, email
mapper = websauna.system.user.social.FacebookMapper

[twitter]
# Fill in both keys to enable Twitter login; both empty = not configured.
class = authomatic.providers.oauth1.Twitter
consumer_key =
consumer_secret =

[session]
# Signs the session cookie.
secret = {{random}}
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
