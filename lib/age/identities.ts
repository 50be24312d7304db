import * as os from 'node:os';
import * as path from 'node:path';
import { readRegularFile } from '../files/read-file';
import { ageLibrary } from './library';
import { SecretsError } from '../errors';
import { describeNamedPath, ownString, type Environment } from '../environment-variables';

/** Variable holding one or more `AGE-SECRET-KEY-1…` lines (comments allowed). */
export const SECRETS_AGE_KEY = 'SECRETS_AGE_KEY';
/** Variable holding the path of an age identity file. */
export const SECRETS_AGE_KEY_FILE = 'SECRETS_AGE_KEY_FILE';

// An X25519 identity: bech32 of 32 bytes (52 data + 6 checksum characters),
// upper-cased as age-keygen writes it. The checksum is checked by the library.
const X25519_IDENTITY = /^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$/;

// Identity files are a few lines; anything larger is not one.
const MAX_IDENTITY_FILE_SIZE = 64 * 1024;

/** Where identities came from, for messages: never the identities themselves. */
export type IdentitySource =
  | { readonly kind: 'option' }
  | { readonly kind: 'variable' }
  | { readonly kind: 'file'; readonly file: string; readonly variable: boolean };

export interface ResolvedIdentities {
  /** `AGE-SECRET-KEY-1…` strings, validated; at least one. */
  readonly identities: readonly string[];
  /** Their public keys (`age1…`), same order; safe to show. */
  readonly recipients: readonly string[];
  readonly source: IdentitySource;
}

export interface IdentityOptions {
  /** Identities given directly: each string holds one or more identity lines. */
  identity?: string | readonly string[];
  /** Consulted for `SECRETS_AGE_KEY`, `SECRETS_AGE_KEY_FILE`, `XDG_CONFIG_HOME` and `HOME`. */
  env: Environment;
}

/** Human wording of an {@link IdentitySource}, e.g. `SECRETS_AGE_KEY_FILE (/run/key.txt)`. */
export function describeIdentitySource(source: IdentitySource): string {
  switch (source.kind) {
    case 'option':
      return 'the identity option';
    case 'variable':
      return SECRETS_AGE_KEY;
    case 'file':
      return source.variable ? `${SECRETS_AGE_KEY_FILE} (${source.file})` : `the default identity file ${source.file}`;
  }
}

/**
 * The default identity file: `$XDG_CONFIG_HOME/nest-secrets/age-keys.txt`, or
 * `$HOME/.config/nest-secrets/age-keys.txt` when `XDG_CONFIG_HOME` is unset or
 * not absolute (as the XDG spec says). `keygen` writes here by default.
 */
export function defaultIdentityFile(env: Environment): string {
  const xdg = ownString(env, 'XDG_CONFIG_HOME');
  const config = xdg && path.isAbsolute(xdg) ? xdg : path.join(ownString(env, 'HOME') ?? os.homedir(), '.config');
  return path.join(config, 'nest-secrets', 'age-keys.txt');
}

/**
 * Finds the identities to decrypt with. Sources, first available wins (they
 * are not merged): the `identity` option; `SECRETS_AGE_KEY`;
 * `SECRETS_AGE_KEY_FILE`; the {@link defaultIdentityFile}.
 *
 * @param file the encrypted file being opened, named in problems
 * @throws SecretsError `NO_IDENTITY` when no source is available, or the one
 *   chosen is empty or unreadable (an empty variable is an error, not a
 *   fall-through); `INVALID_IDENTITY` naming the source and line of a line
 *   that is not an X25519 identity. Messages never contain a key.
 */
export async function resolveIdentities(options: IdentityOptions, file?: string): Promise<ResolvedIdentities> {
  const { env } = options;
  if (options.identity !== undefined) return identitiesFromOption(options.identity, file);
  if (Object.prototype.hasOwnProperty.call(env, SECRETS_AGE_KEY) && typeof env[SECRETS_AGE_KEY] === 'string') {
    return identitiesFromVariable(env[SECRETS_AGE_KEY], file);
  }
  if (
    Object.prototype.hasOwnProperty.call(env, SECRETS_AGE_KEY_FILE) &&
    typeof env[SECRETS_AGE_KEY_FILE] === 'string'
  ) {
    return identitiesFromNamedFile(env[SECRETS_AGE_KEY_FILE], file);
  }
  return identitiesFromDefaultFile(defaultIdentityFile(env), file);
}

/** The `identity` option's strings. */
async function identitiesFromOption(
  identity: string | readonly string[],
  file: string | undefined,
): Promise<ResolvedIdentities> {
  const texts: readonly unknown[] = typeof identity === 'string' ? [identity] : identity;
  if (!Array.isArray(texts) || texts.some((text) => typeof text !== 'string')) {
    throw new SecretsError([
      {
        code: 'INVALID_OPTION',
        message: 'identity must be a string or an array of strings (AGE-SECRET-KEY-1… lines)',
      },
    ]);
  }
  const source: IdentitySource = { kind: 'option' };
  const identities = (await Promise.all(texts.map((text) => parseIdentities(text as string, source, file)))).flat();
  return parsed(identities, source, file);
}

/** `SECRETS_AGE_KEY`'s lines. */
async function identitiesFromVariable(value: string, file: string | undefined): Promise<ResolvedIdentities> {
  const source: IdentitySource = { kind: 'variable' };
  if (value.trim() === '') {
    throw new SecretsError([
      {
        code: 'NO_IDENTITY',
        file,
        message: `${SECRETS_AGE_KEY} is set but empty: put the AGE-SECRET-KEY-1… line of the identity in it, or unset it`,
      },
    ]);
  }
  return parsed(await parseIdentities(value, source, file), source, file);
}

/** The identity file `SECRETS_AGE_KEY_FILE` names. */
async function identitiesFromNamedFile(named: string, file: string | undefined): Promise<ResolvedIdentities> {
  if (named.trim() === '') {
    throw new SecretsError([
      {
        code: 'NO_IDENTITY',
        file,
        message: `${SECRETS_AGE_KEY_FILE} is set but empty: set it to the path of an age identity file, or unset it`,
      },
    ]);
  }
  const source: IdentitySource = { kind: 'file', file: path.resolve(named), variable: true };
  const text = await readIdentityFile(source.file);
  if (text === undefined) {
    throw new SecretsError([
      {
        code: 'NO_IDENTITY',
        file,
        message: `${SECRETS_AGE_KEY_FILE} names ${describeNamedPath(named, source.file)}, which does not exist`,
      },
    ]);
  }
  return parsed(await parseIdentities(text, source, file), source, file);
}

/** The default identity file, `nest-secrets keygen`'s. */
async function identitiesFromDefaultFile(fallback: string, file: string | undefined): Promise<ResolvedIdentities> {
  const text = await readIdentityFile(fallback);
  if (text === undefined) {
    throw new SecretsError([
      {
        code: 'NO_IDENTITY',
        file,
        message:
          `no age identity to decrypt with: set ${SECRETS_AGE_KEY} (AGE-SECRET-KEY-1… lines) or ${SECRETS_AGE_KEY_FILE} ` +
          `(path of an identity file), or create the default identity file ${fallback} with \`nest-secrets keygen\``,
      },
    ]);
  }
  const source: IdentitySource = { kind: 'file', file: fallback, variable: false };
  return parsed(await parseIdentities(text, source, file), source, file);
}

/**
 * Parses identity text as age-keygen writes it: one `AGE-SECRET-KEY-1…` per
 * line; blank lines and `#` comments are skipped; CRLF is fine.
 *
 * @throws SecretsError `INVALID_IDENTITY` naming the line (never its text).
 */
export async function parseIdentities(text: string, source: IdentitySource, file?: string): Promise<string[]> {
  const { identityToRecipient } = await ageLibrary();
  const identities: string[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    let valid = X25519_IDENTITY.test(line);
    if (valid) {
      try {
        await identityToRecipient(line);
      } catch {
        valid = false; // bad checksum; the library's message is not passed on
      }
    }
    if (!valid) {
      const kind = line.startsWith('AGE-PLUGIN-')
        ? 'a plugin identity, which is not supported'
        : line.startsWith('AGE-SECRET-KEY-PQ-1')
          ? 'a post-quantum identity, which is not supported (use X25519 keys so that age 1.1 can read the files)'
          : 'not an X25519 age identity (AGE-SECRET-KEY-1…)';
      const where = source.kind === 'file' ? source.file : describeIdentitySource(source);
      throw new SecretsError([
        {
          code: 'INVALID_IDENTITY',
          ...(source.kind === 'file' ? { file: where, line: index + 1 } : { file }),
          message: source.kind === 'file' ? `line is ${kind}` : `line ${index + 1} of ${where} is ${kind}`,
        },
      ]);
    }
    identities.push(line);
  }
  return identities;
}

async function parsed(
  identities: string[],
  source: IdentitySource,
  file: string | undefined,
): Promise<ResolvedIdentities> {
  if (identities.length === 0) {
    throw new SecretsError([
      {
        code: 'NO_IDENTITY',
        file,
        message: `${describeIdentitySource(source)} contains no AGE-SECRET-KEY-1… line`,
      },
    ]);
  }
  const { identityToRecipient } = await ageLibrary();
  const recipients = await Promise.all(identities.map((identity) => identityToRecipient(identity)));
  return { identities, recipients, source };
}

/** The file's text, or undefined when it does not exist. */
async function readIdentityFile(file: string): Promise<string | undefined> {
  const result = await readRegularFile(file, MAX_IDENTITY_FILE_SIZE);
  if (result instanceof Uint8Array) return Buffer.from(result).toString('utf8');
  switch (result.problem) {
    case 'not-found':
      return undefined;
    case 'too-large':
      throw new SecretsError([
        { code: 'NO_IDENTITY', file, message: 'identity file is too large to be an age identity file' },
      ]);
    case 'unreadable':
      throw new SecretsError([{ code: 'NO_IDENTITY', file, message: `identity file cannot be read (${result.code})` }]);
    default:
      throw new SecretsError([{ code: 'NO_IDENTITY', file, message: 'identity file is not a regular file' }]);
  }
}
