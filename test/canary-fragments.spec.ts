/**
 * Values that look like syntax (`Pa55$word…`, `${` left open) and messages
 * that quote a few characters of a value: no error, CLI output or JSON shows
 * any 4 consecutive characters of a value. Every canary is random, made at
 * test time from letters that no message, path or name here contains runs of,
 * and starts with a lower-case letter so that `$<canary>` reads as a variable
 * name that is not a conventional one.
 */
import { randomInt } from 'node:crypto';
import { format, inspect } from 'node:util';
import { IsString, ValidateBy } from 'class-validator';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecrets, SecretsSection } from '../lib';
import { cleanEnv, run, runCli, tempDir, write } from './helpers/cli';
import { loadFailure } from './helpers/errors';

const canaries: string[] = [];
const ALPHABET = 'jkqvwxzJKQVWXZ';

function canary(): string {
  let value = 'q';
  for (let i = 0; i < 15; i++) value += ALPHABET[randomInt(ALPHABET.length)];
  canaries.push(value);
  return value;
}

/** Which canaries show a 4-character fragment in `text`, by position only. */
function fragments(text: string): string[] {
  const found: string[] = [];
  canaries.forEach((value, index) => {
    for (let i = 0; i + 4 <= value.length; i++) {
      if (text.includes(value.slice(i, i + 4))) {
        found.push(`canary ${index} at ${i}`);
        break;
      }
    }
  });
  return found;
}

function representations(error: unknown): string {
  return [
    String(error),
    (error as Error).stack ?? '',
    inspect(error, { depth: null, showHidden: true }),
    JSON.stringify(error),
    format('%o', error),
  ].join('\n');
}

const HIDDEN =
  'the $ here starts a reference to a variable that is not set (its name is not shown: it is not an ' +
  'upper-case variable name like API_KEY, so it may be part of the value); ' +
  'write $$ for a literal $, or single-quote the value to take it as written';
const BAD = (column: number) =>
  `bad variable reference at column ${column}: write $$ for a literal $, or single-quote the value to take it as written`;

/** A project directory in an isolated HOME. */
function setup(): { dir: string; env: Record<string, string> } {
  const home = tempDir('nis-fragments-');
  const dir = path.join(home, 'project');
  run('mkdir', ['-p', dir]);
  return { dir, env: cleanEnv(home) };
}

describe('no 4 characters of a value in any message', () => {
  it('a $ followed by a name that is not a conventional variable name: UNSET_VARIABLE without the name', async () => {
    const dir = tempDir();
    const [a, b, c, d, e, f] = [canary(), canary(), canary(), canary(), canary(), canary()];
    const file = write(
      dir,
      'production-secrets.ini',
      '[db]\n' +
        `password = Pa55$${a}\n` +
        `quoted = "Pa55$${b}"\n` +
        `braced = Pa55\${${c}}\n` +
        `fallback = \${UNSET_VAR:-${d}$${e}}\n` +
        `shown = $UNSET_VAR${f}\n`,
    );
    const error = await loadFailure({ directory: dir, environment: 'production', env: {} });
    expect(error.message).toBe(
      [
        `${file}:2:16 [db] password: ${HIDDEN}`,
        `${file}:3:15 [db] quoted: ${HIDDEN}`,
        `${file}:4:14 [db] braced: ${HIDDEN}`,
        `${file}:5:41 [db] fallback: ${HIDDEN}`,
        // The longest name is read: the canary is part of it, so it is hidden too.
        `${file}:6:9 [db] shown: ${HIDDEN}`,
      ].join('\n'),
    );
    expect(fragments(representations(error))).toEqual([]);
  });

  it('BAD_REFERENCE: an unclosed ${, a bad operator, a $ before something else', async () => {
    const dir = tempDir();
    const file = write(
      dir,
      'production-secrets.ini',
      '[db]\n' +
        `open = Pa55\${${canary()}\n` +
        `operator = \${${canary()}:?${canary()}}\n` +
        `quoted = "\${${canary()}:-${canary()}"\n` +
        `other = Pa55$(${canary()})\n`,
    );
    const error = await loadFailure({ directory: dir, environment: 'production', env: {} });
    expect(error.message).toBe(
      [
        `${file}:2:12 [db] open: ${BAD(12)}`,
        `${file}:3:12 [db] operator: ${BAD(12)}`,
        `${file}:4:11 [db] quoted: ${BAD(11)}`,
        `${file}:5:13 [db] other: ${BAD(13)}`,
      ].join('\n'),
    );
    expect(fragments(representations(error))).toEqual([]);
  });

  it('a validation message quoting 4 characters of the value falls back to the constraint name', async () => {
    const dir = tempDir();
    const value = canary();
    const file = write(dir, 'production-secrets.ini', `[api]\nkey = ${value}\n`);
    let seen = '';
    @SecretsSection('api')
    class Api {
      @ValidateBy({
        name: 'isLiveKey',
        validator: {
          validate: (v: unknown) => {
            seen = String(v);
            return false;
          },
          defaultMessage: () => `key starts with ${seen.slice(0, 4)}, ends with ${seen.slice(-4)}`,
        },
      })
      key!: string;
    }
    const error = await loadFailure({ sections: [Api], directory: dir, environment: 'production', env: {} });
    expect(error.message).toBe(`${file}:2 [api] key: failed isLiveKey`);
    expect(fragments(representations(error))).toEqual([]);
  });

  it('a 1 MiB list value with long runs of spaces loads exactly', async () => {
    // Trimming items with /[ \t]+$/ is quadratic in a run of blanks inside an
    // item: about 40 s for each of the two runs below (bench/long-value.mjs
    // times the linear version).
    const dir = tempDir();
    const inner = ' '.repeat(320 * 1024);
    const outer = ' '.repeat(64 * 1024);
    const head = '[list]\nitems = ';
    const value = `a${inner}b,c${inner}d,${outer}e${outer},,${outer}`;
    const tail = 'f'.repeat(1024 * 1024 - head.length - value.length - 1);
    const text = `${head}${value}${tail}\n`;
    expect(Buffer.byteLength(text)).toBe(1024 * 1024);
    const file = write(dir, 'production-secrets.ini', text);
    @SecretsSection('list')
    class List {
      @IsString({ each: true }) items!: string[];
    }
    const secrets = await loadSecrets({ sections: [List], file, env: {} });
    expect(secrets.section(List)!.items).toEqual([`a${inner}b`, `c${inner}d`, 'e', tail]);
  });
});

describe('the CLI shows no 4 characters of a value', () => {
  it('keys shows $<name not shown> for a name that is not a conventional variable name, never a fallback', async () => {
    const { dir, env } = setup();
    const file = write(
      dir,
      'production-secrets.ini',
      '[db]\n' +
        `password = Pa55$${canary()}\n` +
        `url = "postgres://app:\${DB_PASSWORD:-${canary()}}@db/\${${canary()}-${canary()}}"\n` +
        'host = $DB_HOST\n',
      0o600,
    );
    const result = await runCli(['keys', '-e', 'production'], { cwd: dir, env: { ...env, DB_HOST: 'db' } });
    const note =
      ' — not an upper-case variable name like API_KEY, so it may be part of the value ($$ writes a literal $)';
    expect(result).toEqual({
      status: 0,
      signal: null,
      stdout:
        `${file}\n` +
        '[db]\n' +
        `  password  <- $<name not shown> (not set)${note}\n` +
        `  url  <- $DB_PASSWORD (not set, with a fallback), $<name not shown> (not set, with a fallback)${note}\n` +
        '  host  <- $DB_HOST (set)\n',
      stderr: '',
    });
    expect(fragments(result.stdout + result.stderr)).toEqual([]);
  });

  it('check and exec report the unset reference without its name', async () => {
    const { dir, env } = setup();
    const file = write(dir, 'production-secrets.ini', `[session]\nsecret = Pa55$${canary()}\n`, 0o600);
    const sections = path.resolve('test/fixtures/check/sections.js');
    const expected = { status: 1, stdout: '', stderr: `${file}:2:14 [session] secret: ${HIDDEN}\n` };
    const checked = await runCli(['check', '-e', 'production', '--sections', sections], {
      cwd: dir,
      env,
      installed: true,
    });
    expect(checked).toMatchObject(expected);
    const executed = await runCli(['exec', '-e', 'production', '--', 'true'], { cwd: dir, env });
    expect(executed).toMatchObject(expected);
    for (const r of [checked, executed]) expect(fragments(r.stdout + r.stderr)).toEqual([]);
  });

  it('check --sections with a module that throws on import: exit 1, the error class only', async () => {
    const { dir, env } = setup();
    write(dir, 'production-secrets.ini', '[session]\nsecret = x\n', 0o600);
    const module = write(dir, 'secrets.js', `throw new Error('${canary()}');\n`);
    const result = await runCli(['check', '-e', 'production', '--sections', 'secrets.js'], { cwd: dir, env });
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr: `nest-secrets: cannot import the --sections module ${module}: Error\n`,
    });
    expect(fragments(result.stderr)).toEqual([]);
  });
});
