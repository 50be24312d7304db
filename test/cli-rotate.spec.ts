import { chownSync, linkSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { isAlphanumeric, isBase64 } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { main } from '../lib/cli/main';
import type { ParsedFile } from '../lib/model';
import { parseIni } from '../lib/sources/parse';
import { ageDecrypt, ageEncrypt, leftovers, project, run, runCli, testContext, withKey, write } from './helpers/cli';
import { readmeExample, readmeOutput, shellCommands } from './helpers/readme';

const SECRET = '0123456789abcdef0123456789abcdef01234567';
const SIGNING = 'Xb3kQ9zT_w7Lm2Vn-Rt5Yp8Hc1Jd4Fg6Ks0Ae3Wq';
const TEXT =
  '# production secrets\n' +
  '[session]\n' +
  `secret = ${SECRET}\n` +
  '[signing]\n' +
  `key = '${SIGNING}'   ; issued 2026-01\n` +
  '[database]\n' +
  'password = hunter2\n' +
  'url = "postgres://app@db.internal/app"  # the primary\n' +
  'empty =\n' +
  'from_env = ${DB_TOKEN}\n';

/** A project with `production-secrets.ini` (mode 0600) holding `text`. */
function plaintext(text = TEXT) {
  const p = project();
  const file = write(p.dir, 'production-secrets.ini', text, 0o600);
  return { ...p, file };
}

/** production-secrets.ini.age encrypted (armored, by the real age) to alice and bob, both listed. */
function encrypted(text = TEXT) {
  const p = project();
  write(p.dir, '.age-recipients', `${p.alice.recipient}\n${p.bob.recipient}\n`);
  const file = write(p.dir, 'production-secrets.ini.age', ageEncrypt([p.alice.recipient, p.bob.recipient], text, true));
  return { ...p, file, env: withKey(p.env, p.alice) };
}

/** `section.key` → template of every entry. */
function entries(parsed: ParsedFile): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const section of parsed.sections.values()) {
    for (const entry of section.entries.values()) out.set(`${section.name}.${entry.key}`, entry);
  }
  return out;
}

/**
 * The new value of each of `rotated` in `after`, after checking that `after`
 * is `before` with only those values' characters replaced (same bytes
 * elsewhere) and parses the same but for them.
 */
function rotatedValues(before: string, after: string, rotated: readonly string[]): string[] {
  const old = entries(parseIni(before));
  const now = entries(parseIni(after));
  expect([...now.keys()]).toEqual([...old.keys()]);
  const values = rotated.map((name) => {
    const entry = now.get(name) as { template: string[] };
    expect(entry.template).toHaveLength(1);
    return entry.template[0]!;
  });
  for (const [name, entry] of old) {
    if (!rotated.includes(name)) expect(now.get(name)).toEqual(entry);
  }
  return values;
}

function backups(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.includes('.bak-'));
}

describe('nest-secrets rotate, plaintext', () => {
  it('replaces one hex token with 40 new hex digits, keeps a 0600 backup and every other byte', async () => {
    const { dir, env, file } = plaintext();
    const result = await runCli(['rotate', '-e', 'production', 'session.secret'], { cwd: dir, env });
    const [backup] = backups(dir);
    expect(backup).toMatch(/^production-secrets\.ini\.bak-\d{8}T\d{6}Z$/);
    expect(result).toEqual({
      status: 0,
      signal: null,
      stdout:
        `Kept the old production-secrets.ini as ${path.join(dir, backup!)} (mode 0600).\n` +
        `Rotated session.secret in ${file}.\n`,
      stderr: '',
    });
    const after = readFileSync(file, 'utf8');
    const [secret] = rotatedValues(TEXT, after, ['session.secret']);
    expect(secret).toMatch(/^[0-9a-f]{40}$/);
    expect(secret).not.toBe(SECRET);
    expect(after).toBe(TEXT.replace(SECRET, secret!));
    expect(readFileSync(path.join(dir, backup!), 'utf8')).toBe(TEXT);
    expect(statSync(path.join(dir, backup!)).mode & 0o777).toBe(0o600);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(leftovers(dir)).toEqual([]);
  });

  it('several keys in one write: a single-quoted base64url value keeps its quotes, comment and length', async () => {
    const { dir, env, file } = plaintext();
    const result = await runCli(['rotate', '-e', 'production', 'signing.key', 'session.secret', 'signing.key'], {
      cwd: dir,
      env,
    });
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')[1]).toBe(`Rotated signing.key, session.secret in ${file}.`);
    const after = readFileSync(file, 'utf8');
    const [key, secret] = rotatedValues(TEXT, after, ['signing.key', 'session.secret']);
    expect(key).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(after).toBe(TEXT.replace(SECRET, secret!).replace(SIGNING, key!));
    expect(backups(dir)).toHaveLength(1);
  });

  it.each([
    [['--bytes', '32'], /^[0-9a-f]{64}$/],
    [['--base64url'], /^[A-Za-z0-9_-]{27}$/],
    [['--bytes', '32', '--base64url'], /^[A-Za-z0-9_-]{43}$/],
    [['--bytes', '1'], /^[0-9a-f]{2}$/],
  ])('%j changes the shape of session.secret', async (flags, shape) => {
    const { dir, env, file } = plaintext();
    const result = await runCli(['rotate', '-e', 'production', ...flags, 'session.secret'], { cwd: dir, env });
    expect(result.status).toBe(0);
    const [secret] = rotatedValues(TEXT, readFileSync(file, 'utf8'), ['session.secret']);
    expect(secret).toMatch(shape);
  });

  it('--hex turns a base64url token into hex of the same number of random bytes (30 bytes: 60 digits)', async () => {
    const { dir, env, file } = plaintext();
    expect((await runCli(['rotate', '-e', 'production', '--hex', 'signing.key'], { cwd: dir, env })).status).toBe(0);
    expect(rotatedValues(TEXT, readFileSync(file, 'utf8'), ['signing.key'])[0]).toMatch(/^[0-9a-f]{60}$/);
  });

  it('standard base64 (openssl rand -base64 32) and letters-and-digits tokens keep their alphabet: @IsBase64 / @IsAlphanumeric still pass', async () => {
    const base64 = 'MBg2B/xxs0eraQF7KufU8yjgL/d/y0Q+homApH2+1K8=';
    const alphanumeric = 'Xb3kQ9zTw7Lm2VnRt5Yp8Hc1Jd4Fg6Ks0Ae3WqZ0Eabc';
    const text = `[jwt]\nsecret = ${base64}\napi = "${alphanumeric}" # rotated monthly\n`;
    const { dir, env, file } = plaintext(text);
    const result = await runCli(['rotate', '-e', 'production', 'jwt.secret', 'jwt.api'], { cwd: dir, env });
    expect(result.stdout.split('\n')[1]).toBe(`Rotated jwt.secret, jwt.api in ${file}.`);
    const after = readFileSync(file, 'utf8');
    const [secret, api] = rotatedValues(text, after, ['jwt.secret', 'jwt.api']);
    expect(secret).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(api).toMatch(/^[A-Za-z0-9]{44}$/);
    expect([isBase64(secret), isBase64(api), isAlphanumeric(api!)]).toEqual([true, true, true]);
    expect(after).toBe(text.replace(base64, secret!).replace(alphanumeric, api!));
  });

  it('refuses values that do not look generated, all at once, naming section.key and why; nothing written', async () => {
    const { dir, env, file } = plaintext();
    const names = ['database.password', 'database.url', 'database.empty', 'database.from_env', 'session.secret'];
    const result = await runCli(['rotate', '-e', 'production', ...names], { cwd: dir, env });
    const force =
      '; rotate replaces generated-looking tokens only (16 or more characters: hex, or letters and digits mixed, alone or as base64url or base64 write them): use --force to replace it anyway';
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr:
        `${file}:7 [database] password: is shorter than 16 characters${force}\n` +
        `${file}:8 [database] url: is not a mix of letters and digits (alone, or with base64url's "-" "_" or base64's "+" "/" "=")${force}\n` +
        `${file}:9 [database] empty: is empty${force}\n` +
        `${file}:10 [database] from_env: reads a variable ($DB_TOKEN), whose value is set elsewhere: rotate it there, or use --force to replace the reference with a token\n`,
    });
    expect(readFileSync(file, 'utf8')).toBe(TEXT);
    expect(backups(dir)).toEqual([]);
  });

  it('--force replaces them with 20 random bytes as hex (22 for the 30-character URL), inside their quotes, a space after a bare "="', async () => {
    const { dir, env, file } = plaintext();
    const names = ['database.password', 'database.url', 'database.empty', 'database.from_env'];
    const result = await runCli(['rotate', '-e', 'production', '--force', ...names], { cwd: dir, env });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const after = readFileSync(file, 'utf8');
    const [password, url, empty, fromEnv] = rotatedValues(TEXT, after, names);
    for (const value of [password, empty, fromEnv]) expect(value).toMatch(/^[0-9a-f]{40}$/);
    // 30 characters of lower-case letters and punctuation (26 + 33 kinds) could hold 176 bits: 22 bytes.
    expect(url).toMatch(/^[0-9a-f]{44}$/);
    expect(after).toBe(
      TEXT.replace('= hunter2', `= ${password}`)
        .replace('postgres://app@db.internal/app', url!)
        .replace('empty =\n', `empty = ${empty}\n`)
        .replace('${DB_TOKEN}', fromEnv!),
    );
    expect(after).not.toContain('hunter2');
  });

  it('--force never writes fewer random bytes than the old value could hold: a Django-style SECRET_KEY (63 characters) becomes 48 bytes', async () => {
    // As django.core.management.utils.get_random_secret_key() writes them: a-z, 0-9 and !@#$%^&*(-_=+), single-quoted.
    const django = "'k#9x!q@3m(z&w-8e^v_2r=p+t*y4u%b7n)c1o$h6j0s5l#d@f!g8a(i-k^x3m_z'";
    const text = `[django]\nsecret_key = ${django}\n`;
    const { dir, env, file } = plaintext(text);
    const result = await runCli(['rotate', '-e', 'production', '--force', 'django.secret_key'], { cwd: dir, env });
    expect(result.status).toBe(0);
    const [key] = rotatedValues(text, readFileSync(file, 'utf8'), ['django.secret_key']);
    // 63 characters of 26 + 10 + 33 kinds: 63 × log2(69) = 385 bits, 48 whole bytes.
    expect(key).toMatch(/^[0-9a-f]{96}$/);
  });

  it('a dotted section: oauth.github.secret is secret of [oauth.github], not of [oauth]', async () => {
    const text = `[oauth]\nsecret = ${SECRET}\n[oauth.github]\nsecret = ${SECRET}\n`;
    const { dir, env, file } = plaintext(text);
    const result = await runCli(['rotate', '-e', 'production', 'oauth.github.secret'], { cwd: dir, env });
    expect(result.stdout.split('\n')[1]).toBe(`Rotated oauth.github.secret in ${file}.`);
    const [secret] = rotatedValues(text, readFileSync(file, 'utf8'), ['oauth.github.secret']);
    expect(readFileSync(file, 'utf8')).toBe(`[oauth]\nsecret = ${SECRET}\n[oauth.github]\nsecret = ${secret}\n`);
  });

  it('a file the loader refuses (keys differing in case, a duplicate section) is not rewritten; no value shown', async () => {
    const text = `[session]\nsecret = ${SECRET}\nSecret = ${SIGNING}\n[session]\n`;
    const { dir, env, file } = plaintext(text);
    const result = await runCli(['rotate', '-e', 'production', 'session.secret'], { cwd: dir, env });
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr:
        `${file}:3 [session] Secret: key differs only by case from "secret" on line 2\n` +
        `${file}:4 [session]: duplicate section (first defined on line 1)\n`,
    });
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(backups(dir)).toEqual([]);
  });

  it('an unknown section or key: did-you-mean, nothing written', async () => {
    const { dir, env, file } = plaintext();
    const result = await runCli(['rotate', '-e', 'production', 'session.secret', 'sesion.secret', 'session.secert'], {
      cwd: dir,
      env,
    });
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr:
        `${file} [sesion]: no such section (did you mean [session]?)\n` +
        `${file}:2 [session] secert: no such key in this section (did you mean secret?)\n`,
    });
    expect(readFileSync(file, 'utf8')).toBe(TEXT);
    expect(backups(dir)).toEqual([]);
  });

  it('keeps CRLF line ends, a byte order mark and a CR-only line', async () => {
    const text = `\uFEFF[session]\r\nsecret = ${SECRET}\r\n[other]\rkey = x\r\n`;
    const { dir, env, file } = plaintext(text);
    expect((await runCli(['rotate', '-e', 'production', 'session.secret'], { cwd: dir, env })).status).toBe(0);
    const after = readFileSync(file, 'utf8');
    const [secret] = rotatedValues(text.slice(1), after.slice(1), ['session.secret']);
    expect(after).toBe(text.replace(SECRET, secret!));
  });

  it('an unquoted token followed by " ; comment" (part of the value: no inline comments) is refused saying so', async () => {
    const text = `[session]\nsecret = ${SECRET} ; rotated 2026-01\nother = ${SECRET} # x\n`;
    const { dir, env, file } = plaintext(text);
    const result = await runCli(['rotate', '-e', 'production', 'session.secret', 'session.other'], { cwd: dir, env });
    const why =
      'holds a token then a "#" or ";" comment, which in an unquoted value is part of the value (there are no inline comments): quote the token (key = "token" ; comment) and rotate again, or use --force to replace the whole value';
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr: `${file}:2 [session] secret: ${why}\n${file}:3 [session] other: ${why}\n`,
    });
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('refuses a value continued over lines, even with --force', async () => {
    const text =
      '[tls]\nkey = MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\nKKUxcnH8j4YkO5mJ8Vv1Qz=\n';
    const { dir, env, file } = plaintext(text);
    const result = await runCli(['rotate', '-e', 'production', '--force', 'tls.key'], { cwd: dir, env });
    expect(result).toMatchObject({
      status: 1,
      stdout: '',
      stderr: `${file}:2 [tls] key: is followed on line 3 by a line that looks like the rest of this value (a value continued over lines); rotate cannot rewrite it safely: join it into one line first\n`,
    });
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it.each(['Qz==', 'ab/Qz=', '+x9Q='])(
    'refuses a value whose wrapped base64 tail %j is short and name-like',
    async (tail) => {
      const text = `[tls]\nkey = MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n${tail}\nnext = x\n`;
      const { dir, env, file } = plaintext(text.replace(`${tail}\n`, `${tail.includes('=') ? tail : `${tail}=`}\n`));
      const before = readFileSync(file, 'utf8');
      const result = await runCli(['rotate', '-e', 'production', 'tls.key'], { cwd: dir, env });
      expect(result).toMatchObject({
        status: 1,
        stderr: `${file}:2 [tls] key: is followed on line 3 by a line that looks like the rest of this value (a value continued over lines); rotate cannot rewrite it safely: join it into one line first\n`,
      });
      expect(readFileSync(file, 'utf8')).toBe(before);
    },
  );

  it('refuses an unquoted value ending with a backslash (--force)', async () => {
    const text = '[a]\nb = abc\\\n';
    const { dir, env, file } = plaintext(text);
    const result = await runCli(['rotate', '-e', 'production', '--force', 'a.b'], { cwd: dir, env });
    expect(result).toMatchObject({
      status: 1,
      stderr: `${file}:2 [a] b: ends with a backslash, which some INI readers take as a value continued on the next line; rotate cannot rewrite it safely: edit it by hand\n`,
    });
  });

  it('keeps a group-readable mode as it was (the backup is 0600)', async () => {
    const { dir, env, file } = plaintext();
    run('chmod', ['640', file]);
    expect((await runCli(['rotate', '-e', 'production', 'session.secret'], { cwd: dir, env })).status).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(statSync(path.join(dir, backups(dir)[0]!)).mode & 0o777).toBe(0o600);
  });

  // Only root can give a file to another user: the case of `sudo nest-secrets rotate` on a server.
  it.runIf(process.getuid?.() === 0)(
    'run as root, keeps the owner of the file, so the app user can still read it',
    async () => {
      const { dir, env, file } = plaintext();
      chownSync(file, 4321, 4322);
      expect((await runCli(['rotate', '-e', 'production', 'session.secret'], { cwd: dir, env })).status).toBe(0);
      const { uid, gid, mode } = statSync(file);
      expect([uid, gid, mode & 0o777]).toEqual([4321, 4322, 0o600]);
      expect(readFileSync(file, 'utf8')).not.toBe(TEXT);
    },
  );

  it('in a git work tree, makes git ignore the backups first', async () => {
    const p = project({ git: true });
    const file = write(p.dir, 'production-secrets.ini', TEXT, 0o600);
    const result = await runCli(['rotate', '-e', 'production', 'session.secret'], { cwd: p.dir, env: p.env });
    const [backup] = backups(p.dir);
    expect(result.stdout).toBe(
      `Added *-secrets.ini.bak-* to ${path.join(p.dir, '.gitignore')}.\n` +
        `Kept the old production-secrets.ini as ${path.join(p.dir, backup!)} (mode 0600).\n` +
        `Rotated session.secret in ${file}.\n`,
    );
    expect(readFileSync(path.join(p.dir, '.gitignore'), 'utf8')).toBe('*-secrets.ini.bak-*\n');
    run('git', ['check-ignore', '-q', backup!], { cwd: p.dir, env: p.env });
  });

  it('a crash before the rename of the secrets file leaves it as it was, with its backup and no temp file', async () => {
    const { dir, env, file } = plaintext();
    const { ctx, output } = testContext({ cwd: dir, env });
    let renames = 0;
    const beforeRename = () => {
      // The first rename is the backup's; the second, the secrets file's.
      if (++renames === 2) throw Object.assign(new Error('crash'), { code: 'EIO', syscall: 'rename', path: file });
    };
    const status = await main(['node', 'nest-secrets', 'rotate', '-e', 'production', 'session.secret'], {
      ...ctx,
      beforeRename,
    });
    expect(status).toBe(1);
    expect(output().stderr.toString()).toBe(`nest-secrets: rename ${file} failed: EIO\n`);
    expect(readFileSync(file, 'utf8')).toBe(TEXT);
    expect(readFileSync(path.join(dir, backups(dir)[0]!), 'utf8')).toBe(TEXT);
    expect(leftovers(dir)).toEqual([]);
  });

  it('refuses a file with another hard link (the other name would keep the old values); nothing written', async () => {
    const { dir, env, file, home } = plaintext();
    const other = path.join(home, 'deployed-secrets.ini');
    linkSync(file, other);
    const result = await runCli(['rotate', '-e', 'production', 'session.secret'], { cwd: dir, env });
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr: `nest-secrets: ${file}: has 2 hard links: rotating would give this name a new file and leave the other names with the old values; remove the other links first (find -samefile lists them)\n`,
    });
    expect(readFileSync(file, 'utf8')).toBe(TEXT);
    expect(backups(dir)).toEqual([]);
  });

  it('refuses a symbolic link', async () => {
    const { dir, env, home } = plaintext();
    const real = write(home, 'elsewhere/production-secrets.ini', TEXT, 0o600);
    const linkDir = path.join(home, 'linked');
    run('mkdir', [linkDir]);
    symlinkSync(real, path.join(linkDir, 'production-secrets.ini'));
    const result = await runCli(['rotate', '-e', 'production', '--dir', linkDir, 'session.secret'], { cwd: dir, env });
    expect(result).toMatchObject({
      status: 1,
      stderr: `nest-secrets: ${path.join(linkDir, 'production-secrets.ini')}: is a symbolic link: rotating would replace the link with a file; run rotate with --dir set to the link's target directory\n`,
    });
    expect(readFileSync(real, 'utf8')).toBe(TEXT);
  });
});

describe('nest-secrets rotate, then check', () => {
  it('a file check accepts (hex, upper-case hex, base64, base64url, letters and digits, a UUID) is accepted after rotate', async () => {
    const sections = path.resolve('test/fixtures/rotate/sections.js');
    const text =
      '[tokens]\n' +
      `hex = ${SECRET}\n` +
      'upper = 0123456789ABCDEF0123456789ABCDEF\n' +
      'base64 = MBg2B/xxs0eraQF7KufU8yjgL/d/y0Q+homApH2+1K8=\n' +
      `base64url = '${SIGNING}'\n` +
      'alphanumeric = Xb3kQ9zTw7Lm2VnRt5Yp8Hc1Jd4Fg6Ks0Ae3WqZ0Eabc\n' +
      'lowercase = k3q9z7x2m4n8p1r5t6v0w3y7b2c9d4f8\n' +
      'uuid = 9b2f6c1e-3d4a-4f5b-8c7d-0e1f2a3b4c5d\n';
    const { dir, env, file } = plaintext(text);
    const check = () =>
      runCli(['check', '-e', 'production', '--sections', sections], { cwd: dir, env, installed: true });
    const before = await check();
    expect(before).toEqual({
      status: 0,
      signal: null,
      stdout: `${file}: ok (environment production; 1 section: tokens; 7 keys)\n`,
      stderr: '',
    });
    const keys = ['hex', 'upper', 'base64', 'base64url', 'alphanumeric', 'lowercase', 'uuid'].map((k) => `tokens.${k}`);
    expect((await runCli(['rotate', '-e', 'production', ...keys], { cwd: dir, env })).status).toBe(0);
    const values = rotatedValues(text, readFileSync(file, 'utf8'), keys);
    expect(values.filter((value) => text.includes(value))).toEqual([]);
    expect(await check()).toEqual(before);
  });
});

describe('nest-secrets rotate, usage', () => {
  it('an argument without a dot is a usage error (exit 2)', async () => {
    const { dir, env, file } = plaintext();
    const result = await runCli(['rotate', '-e', 'production', 'secret'], { cwd: dir, env });
    expect(result).toMatchObject({
      status: 2,
      stdout: '',
      stderr:
        'nest-secrets: rotate: "secret" is not <section>.<key> (e.g. session.secret); `nest-secrets keys -e <env>` lists them\n',
    });
    expect(readFileSync(file, 'utf8')).toBe(TEXT);
  });

  it('a value-like argument is not echoed', async () => {
    const { dir, env } = plaintext();
    const result = await runCli(['rotate', '-e', 'production', 'a.b', 'Xb3kQ9zT_w7Lm2Vn-Rt5Yp8Hc1Jd4Fg6Ks0Ae3Wq'], {
      cwd: dir,
      env,
    });
    expect(result).toMatchObject({
      status: 2,
      stderr:
        'nest-secrets: rotate: argument 2 is not <section>.<key> (e.g. session.secret); `nest-secrets keys -e <env>` lists them\n',
    });
  });

  it('a pasted value with dots (a JWT) or a token as the key is never echoed: named by its argument number', async () => {
    const { dir, env, file } = plaintext();
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    const token = 'Xb3kQ9zT_w7Lm2Vn-Rt5Yp8Hc1Jd4Fg6Ks0Ae3Wq';
    const result = await runCli(['rotate', '-e', 'production', 'session.secret', jwt, `session.${token}`], {
      cwd: dir,
      env,
    });
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr:
        `${file}: no such section (argument 2; its name is not shown, in case it is a value)\n` +
        `${file}:2 [session]: no such key in this section (argument 3; its name is not shown, in case it is a value)\n`,
    });
    expect(readFileSync(file, 'utf8')).toBe(TEXT);
  });

  it.each(['0', '1025', '2.5', 'x'])('--bytes %s is a usage error', async (bytes) => {
    const { dir, env } = plaintext();
    const result = await runCli(['rotate', '-e', 'production', '--bytes', bytes, 'session.secret'], { cwd: dir, env });
    expect(result).toMatchObject({
      status: 2,
      stdout: '',
      stderr: `error: option '--bytes <n>' argument '${bytes}' is invalid. expected a whole number of bytes from 1 to 1024.\n`,
    });
  });

  it('--base64url and --hex together are a usage error', async () => {
    const { dir, env } = plaintext();
    const result = await runCli(['rotate', '-e', 'production', '--base64url', '--hex', 'session.secret'], {
      cwd: dir,
      env,
    });
    expect(result).toMatchObject({
      status: 2,
      stderr: "error: option '--base64url' cannot be used with option '--hex'\n",
    });
  });
});

describe('nest-secrets rotate, .age', () => {
  it('decrypts in memory, replaces the token, re-encrypts to .age-recipients; no backup, mode kept', async () => {
    const { dir, env, file, bob } = encrypted();
    const before = readFileSync(file);
    const result = await runCli(['rotate', '-e', 'production', 'session.secret', 'signing.key'], { cwd: dir, env });
    expect(result).toEqual({
      status: 0,
      signal: null,
      stdout: `Rotated session.secret, signing.key in ${file} (encrypted for 2 recipients).\n`,
      stderr: '',
    });
    const after = ageDecrypt(bob.file, file);
    const [secret, key] = rotatedValues(TEXT, after, ['session.secret', 'signing.key']);
    expect(after).toBe(TEXT.replace(SECRET, secret!).replace(SIGNING, key!));
    expect(readFileSync(file).equals(before)).toBe(false);
    expect(readFileSync(file, 'utf8')).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----\n/);
    expect(readdirSync(dir).sort()).toEqual(['.age-recipients', 'production-secrets.ini.age']);
    expect(statSync(file).mode & 0o777).toBe(0o644);
  });

  it.runIf(process.getuid?.() === 0)('run as root, keeps the owner, group and mode of the .age file', async () => {
    const { dir, env, file } = encrypted();
    chownSync(file, 4321, 4322);
    run('chmod', ['640', file]);
    expect((await runCli(['rotate', '-e', 'production', 'session.secret'], { cwd: dir, env })).status).toBe(0);
    const { uid, gid, mode } = statSync(file);
    expect([uid, gid, mode & 0o777]).toEqual([4321, 4322, 0o640]);
  });

  it('refuses when none of the identities that decrypt the file is in .age-recipients (you would be locked out)', async () => {
    const { dir, env, file, bob } = encrypted();
    write(dir, '.age-recipients', `${bob.recipient}\n`);
    const before = readFileSync(file);
    const result = await runCli(['rotate', '-e', 'production', 'session.secret'], { cwd: dir, env });
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr: `nest-secrets: ${file}: none of your age identities (from SECRETS_AGE_KEY_FILE (${env.SECRETS_AGE_KEY_FILE})) is in ${path.join(dir, '.age-recipients')}: after rotating you could not decrypt the file; add your public key with \`nest-secrets recipients add\` first\n`,
    });
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('without .age-recipients nothing is written', async () => {
    const { dir, env, file } = encrypted();
    run('rm', [path.join(dir, '.age-recipients')]);
    const before = readFileSync(file);
    const result = await runCli(['rotate', '-e', 'production', 'session.secret'], { cwd: dir, env });
    expect(result).toMatchObject({
      status: 1,
      stdout: '',
      stderr: `${path.join(dir, '.age-recipients')}: does not exist: add public keys (age1…) with \`nest-secrets recipients add\`\n`,
    });
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('a refused key leaves the .age file byte-identical', async () => {
    const { dir, env, file } = encrypted();
    const before = readFileSync(file);
    const result = await runCli(['rotate', '-e', 'production', 'database.password'], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `${file}:7 [database] password: is shorter than 16 characters; rotate replaces generated-looking tokens only (16 or more characters: hex, or letters and digits mixed, alone or as base64url or base64 write them): use --force to replace it anyway\n`,
    );
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('both files present: AMBIGUOUS_FILE, nothing written', async () => {
    const { dir, env, file } = encrypted();
    const plain = write(dir, 'production-secrets.ini', TEXT, 0o600);
    const result = await runCli(['rotate', '-e', 'production', 'session.secret'], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `${plain}: both this file and ${file} exist: delete the plaintext file once it is encrypted, or the .age file if it is stale (environment "production" set by the environment option; file derived from the environment name)\n`,
    );
    expect(readFileSync(plain, 'utf8')).toBe(TEXT);
  });
});

describe('README: Rotate a generated token', () => {
  it('runs the example on an .age file and prints the output shown', async () => {
    const { dir, env, file, bob } = encrypted();
    const [command, ...more] = shellCommands(readmeExample('rotate'));
    expect(more).toEqual([]);
    const args = command!.split(' ');
    expect(args.slice(0, 2)).toEqual(['npx', 'nest-secrets']);
    const result = await runCli(args.slice(2), { cwd: dir, env });
    expect(result).toEqual({
      status: 0,
      signal: null,
      stdout: readmeOutput('rotate').replaceAll('/srv/app', dir),
      stderr: '',
    });
    const after = ageDecrypt(bob.file, file);
    const [secret, key] = rotatedValues(TEXT, after, ['session.secret', 'signing.key']);
    expect(after).toBe(TEXT.replace(SECRET, secret!).replace(SIGNING, key!));
  });
});
