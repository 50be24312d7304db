import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, run, runCli, tempDir } from './helpers/cli';

const SECTIONS = path.resolve('test/fixtures/init/sections.js');
const CHECK_SECTIONS = path.resolve('test/fixtures/check/sections.js');

/** A project directory with an isolated HOME. */
function setup(): { dir: string; env: Record<string, string> } {
  const home = tempDir('nis-init-sections-');
  const dir = path.join(home, 'project');
  run('mkdir', ['-p', dir]);
  return { dir, env: cleanEnv(home) };
}

const ALPHABET = { hex: '[0-9a-f]', base64url: '[A-Za-z0-9_-]' } as const;

/**
 * Matches `actual` against `expected`, where `{{hex:N}}` / `{{base64url:N}}`
 * stand for a token of exactly N characters of that alphabet; returns the
 * tokens. On a mismatch the assertion shows the difference.
 */
function tokensOf(actual: string, expected: string): string[] {
  const marker = /\{\{(hex|base64url):(\d+)\}\}/g;
  const pattern = expected
    .split(marker)
    .map((part, index) => {
      if (index % 3 === 1) return `(${ALPHABET[part as keyof typeof ALPHABET]}{`;
      if (index % 3 === 2) return `${part}})`;
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  const match = new RegExp(`^${pattern}$`).exec(actual);
  if (!match) expect(actual).toBe(expected);
  return match!.slice(1);
}

/** What `init --sections test/fixtures/init/sections.js` writes, tokens as markers. */
const EXPECTED = `# Secrets of this environment, made by \`nest-secrets init --sections\` from the app's DTOs.
# Keep this file out of git: commit it encrypted (\`nest-secrets encrypt\`) instead.
# Keys marked "fill in" have no generated value; those not marked optional need one before \`nest-secrets check\` passes.

# TokenSecrets
[tokens]
session = {{hex:40}}
long = {{hex:64}}
short = {{hex:24}}
ranged = {{hex:50}}
hex = {{hex:40}}
capital = {{base64url:40}}
# fill in (no hex or base64url token passes rules: matches)
digits =
# fill in (length rules allow no token of 16 to 2048 characters)
tiny =

# ApiSecrets, ApiKeySecrets
[api]
# fill in (rules: isUrl)
url =
# fill in (a number)
port =
# fill in (rules: isIn)
mode =
# fill in (a boolean)
debug =
# fill in (rules: isPrime)
prime =
# fill in (not secret)
region =
# fill in (optional)
webhook =
key = {{hex:40}}

# GithubSecrets
[github]
# fill in (not secret, optional)
class =
# fill in (optional)
consumer_key =
# fill in (optional)
consumer_secret =
# fill in (not secret, optional)
mapper =
# fill in (not secret, optional)
callback_url =
# fill in (not secret, optional)
scope =

# MailSecrets: an optional section; to configure it, remove the "# " of the lines below and fill in the empty values.
# [mail]
# password = {{hex:40}}
# host =
`;

/** The values a person fills in where init wrote "fill in" (required keys only). */
const FILLED: Record<string, string> = {
  'url =': 'url = http://localhost:3000',
  'port =': 'port = 8080',
  'mode =': 'mode = sandbox',
  'debug =': 'debug = false',
  'prime =': 'prime = 7',
  'region =': 'region = eu-west-1',
  'digits =': 'digits = 12345678901234567890',
  'tiny =': 'tiny = k3y',
};

describe('nest-secrets init --sections', () => {
  it("writes every section and declared key of the app's DTOs: a token where the rules allow one, # fill in elsewhere", async () => {
    const { dir, env } = setup();
    const result = await runCli(['init', '-e', 'staging,production', '--sections', SECTIONS], {
      cwd: dir,
      env,
      installed: true,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      `Wrote ${path.join(dir, 'staging-secrets.ini')} (mode 0600, 7 random tokens).\n` +
        `Wrote ${path.join(dir, 'production-secrets.ini')} (mode 0600, 7 random tokens).\n` +
        'Next steps:\n' +
        '  1. Fill in the values marked "fill in": [tokens] digits, tiny; [api] url, port, mode, debug, prime, region.\n' +
        '  2. Encrypt staging before it goes anywhere: nest-secrets encrypt --environment staging, commit staging-secrets.ini.age, delete staging-secrets.ini.\n' +
        '  3. Encrypt production before it goes anywhere: nest-secrets encrypt --environment production, commit production-secrets.ini.age, delete production-secrets.ini.\n' +
        `  4. Before deploying, validate with your DTOs: nest-secrets check --environment staging,production --sections ${SECTIONS}.\n`,
    );
    expect(result.status).toBe(0);
    const tokens = ['staging', 'production'].flatMap((environment) => {
      const file = path.join(dir, `${environment}-secrets.ini`);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      return tokensOf(readFileSync(file, 'utf8'), EXPECTED);
    });
    expect(tokens).toHaveLength(16);
    expect(new Set(tokens).size).toBe(16);
    // The base64url token is there because /[A-Z]/ refuses hex: it has a capital letter.
    expect(tokens[5]).toMatch(/[A-Z]/);
  });

  it('the written file passes check --sections once the "fill in" keys are filled (exit 0, exact summary)', async () => {
    const { dir, env } = setup();
    const init = await runCli(['init', '-e', 'production', '--sections', SECTIONS], { cwd: dir, env, installed: true });
    expect(init.status).toBe(0);
    const file = path.join(dir, 'production-secrets.ini');
    const written = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      written.replace(/^\w+ =$/gm, (line) => FILLED[line] ?? line),
    );
    const check = await runCli(['check', '-e', 'production', '--sections', SECTIONS], {
      cwd: dir,
      env,
      installed: true,
    });
    expect(check).toEqual({
      status: 0,
      signal: null,
      stdout: `${file}: ok (environment production; 3 sections: tokens, api, github; 22 keys)\n`,
      stderr: '',
    });
  });

  it('unfilled, check names exactly the keys init listed (exit 1), never a value', async () => {
    const { dir, env } = setup();
    expect(
      (await runCli(['init', '-e', 'test', '--sections', SECTIONS], { cwd: dir, env, installed: true })).status,
    ).toBe(0);
    const file = path.join(dir, 'test-secrets.ini');
    const check = await runCli(['check', '-e', 'test', '--sections', SECTIONS], { cwd: dir, env, installed: true });
    const line = (key: string) => readFileSync(file, 'utf8').split('\n').indexOf(`${key} =`) + 1;
    expect(check.stdout).toBe('');
    const empty = (section: string, cls: string, key: string) =>
      `${file}:${line(key)} [${section}] ${key}: empty value: ${cls}.${key} is required (mark it @IsOptional() to allow an empty value)\n`;
    expect(check.stderr).toBe(
      ['digits', 'tiny'].map((key) => empty('tokens', 'TokenSecrets', key)).join('') +
        ['url', 'port', 'mode', 'debug', 'prime', 'region'].map((key) => empty('api', 'ApiSecrets', key)).join(''),
    );
    expect(check.status).toBe(1);
  });

  it('the sample DTOs (check fixture): the files pass check in every environment without an edit', async () => {
    const { dir, env } = setup();
    const init = await runCli(['init', '--sections', CHECK_SECTIONS], { cwd: dir, env, installed: true });
    expect(init.status).toBe(0);
    const check = await runCli(['check', '-e', 'development,test,production', '--sections', CHECK_SECTIONS], {
      cwd: dir,
      env,
      installed: true,
    });
    expect(check.stderr).toBe('');
    expect(check.stdout).toBe(
      ['development', 'test', 'production']
        .map(
          (environment) =>
            `${path.join(dir, `${environment}-secrets.ini`)}: ok (environment ${environment}; 5 sections: authentication, authomatic, session, facebook, twitter; 15 keys)\n`,
        )
        .join(''),
    );
    expect(check.status).toBe(0);
  });

  it('sections are written in export order: an ES module declaring ZetaSecrets before AlphaSecrets', async () => {
    const { dir, env } = setup();
    const module = path.resolve('test/fixtures/init/export-order.mjs');
    const result = await runCli(['init', '-e', 'staging', '--sections', module], { cwd: dir, env, installed: true });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const text = readFileSync(path.join(dir, 'staging-secrets.ini'), 'utf8');
    expect(text.split('\n').filter((line) => line.startsWith('['))).toEqual(['[zeta]', '[alpha]']);
  });

  it('a --sections module that does not exist is "not found" (exit 2), nothing written', async () => {
    const { dir, env } = setup();
    const result = await runCli(['init', '--sections', 'dist/nope.js'], { cwd: dir, env });
    expect(result.stderr).toBe(
      `nest-secrets: --sections ${path.join(dir, 'dist/nope.js')}: not found; build the app first ` +
        '(--sections names the built module exporting the DTO classes, e.g. dist/secrets.js)\n',
    );
    expect(result.status).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('--sections and --template together are bad usage (exit 2), nothing written', async () => {
    const { dir, env } = setup();
    const result = await runCli(['init', '--sections', SECTIONS, '--template', 't.ini'], { cwd: dir, env });
    expect(result).toEqual({
      status: 2,
      signal: null,
      stdout: '',
      stderr: "error: option '--template <file>' cannot be used with option '--sections <module>'\n",
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a --sections module that is not a built JS module is refused as check refuses it (exit 2), nothing written', async () => {
    const { dir, env } = setup();
    writeFileSync(path.join(dir, 'secrets.ts'), 'export class A {}\n');
    const result = await runCli(['init', '--sections', 'secrets.ts'], { cwd: dir, env });
    expect(result.stderr).toBe(
      `nest-secrets: --sections ${path.join(dir, 'secrets.ts')}: must be a regular file ending in .js, .cjs or .mjs (the built module exporting the DTO classes)\n`,
    );
    expect(result.status).toBe(2);
    expect(readdirSync(dir)).toEqual(['secrets.ts']);
  });
});
