import { chmodSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckReport, ReportedProblem } from '../lib/core';
import { ageEncrypt, ageKeygen, cleanEnv, run, runCli, tempDir, write } from './helpers/cli';
import { secretsFile, token } from './helpers/check-fixture';

const SECTIONS = path.resolve('test/fixtures/check/sections.js');
const NO_SECTIONS = path.resolve('test/fixtures/check/no-sections.js');
const SECTION_NAMES = ['authentication', 'authomatic', 'facebook', 'twitter', 'session'];

function setup(): { dir: string; env: Record<string, string>; home: string } {
  const home = tempDir('nis-check-json-');
  const dir = path.join(home, 'project');
  run('mkdir', ['-p', dir]);
  return { dir, env: cleanEnv(home), home };
}

async function checkJson(dir: string, env: Record<string, string>, ...args: string[]) {
  return runCli(['check', '--sections', SECTIONS, '--json', ...args], { cwd: dir, env, installed: true });
}

/** The one document on stdout: exactly one line, newline-terminated. */
function parse(stdout: string): CheckReport {
  expect(stdout.endsWith('\n')).toBe(true);
  expect(stdout.slice(0, -1)).not.toContain('\n');
  return JSON.parse(stdout) as CheckReport;
}

describe('nest-secrets check --json', () => {
  it('a clean run: one document, ok, each environment with its file, sections and key count (exit 0, stderr empty)', async () => {
    const { dir, env, home } = setup();
    const dev = write(dir, 'development-secrets.ini', secretsFile(0), 0o600);
    const key = ageKeygen(home, 'key.txt');
    const prod = path.join(dir, 'production-secrets.ini.age');
    writeFileSync(prod, ageEncrypt([key.recipient], secretsFile(10), true));
    const result = await checkJson(dir, { ...env, SECRETS_AGE_KEY_FILE: key.file }, '-e', 'development,production');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(parse(result.stdout)).toEqual({
      schema: 'nest-secrets/check@1',
      ok: true,
      strict: false,
      environments: [
        {
          environment: 'development',
          file: dev,
          encrypted: false,
          ok: true,
          sections: SECTION_NAMES,
          keys: 8,
          problems: [],
        },
        {
          environment: 'production',
          file: prod,
          encrypted: true,
          ok: true,
          sections: SECTION_NAMES,
          keys: 8,
          problems: [],
        },
      ],
    });
  });

  it('several problems in several files, an encrypted one included: errors and warnings per environment (exit 1)', async () => {
    const { dir, env, home } = setup();
    const shared = 'shared-secret-used-twice-0123456789abcdef';
    const dev = write(
      dir,
      'development-secrets.ini',
      secretsFile(0, {
        [`secret = ${token(0)}`]: `secret = ${shared}`,
        [`secret = ${token(2)}`]: `secret = ${shared}`,
      }),
      0o600,
    );
    chmodSync(dev, 0o640);
    const key = ageKeygen(home, 'key.txt');
    const prod = path.join(dir, 'production-secrets.ini.age');
    writeFileSync(
      prod,
      ageEncrypt(
        [key.recipient],
        secretsFile(10, {
          [`secret = ${token(10)}`]: 'secret = too-short-for-the-rule',
          [`secret = ${token(11)}`]: 'secret = CHANGEME-0123456789012345678901234567',
          'consumer_key =': 'consumer_key = 1234567890',
          [`secret = ${token(12)}`]: 'secret =',
        }),
        true,
      ),
    );
    const result = await checkJson(
      dir,
      { ...env, SECRETS_AGE_KEY_FILE: key.file },
      '-e',
      'development,production,staging',
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    const problem = (
      fields: Partial<ReportedProblem> & Pick<ReportedProblem, 'code' | 'message'>,
    ): ReportedProblem => ({
      severity: 'error',
      file: prod,
      line: null,
      column: null,
      section: null,
      key: null,
      ...fields,
    });
    const devWarnings: ReportedProblem[] = [
      problem({
        severity: 'warning',
        code: 'INSECURE_MODE',
        file: dev,
        message: `is accessible by group or others (mode 0640); restrict it with \`chmod 600 ${dev}\``,
      }),
      problem({
        severity: 'warning',
        code: 'DUPLICATE_VALUE',
        file: dev,
        line: 13,
        section: 'session',
        key: 'secret',
        message: 'same value as [authentication] secret (line 2); give each key its own secret',
      }),
    ];
    const staging = path.join(dir, 'staging-secrets.ini');
    expect(parse(result.stdout)).toEqual({
      schema: 'nest-secrets/check@1',
      ok: false,
      strict: false,
      environments: [
        {
          environment: 'development',
          file: dev,
          encrypted: false,
          ok: true,
          sections: SECTION_NAMES,
          keys: 8,
          problems: devWarnings,
        },
        {
          environment: 'production',
          file: prod,
          encrypted: true,
          ok: false,
          sections: SECTION_NAMES,
          keys: 8,
          problems: [
            problem({
              code: 'EMPTY_VALUE',
              line: 13,
              section: 'session',
              key: 'secret',
              message: 'empty value: SessionSecrets.secret is required (mark it @IsOptional() to allow an empty value)',
            }),
            problem({
              code: 'VALIDATION',
              line: 2,
              section: 'authentication',
              key: 'secret',
              message: 'secret must be longer than or equal to 32 characters',
            }),
            problem({
              code: 'VALIDATION',
              line: 8,
              section: 'facebook',
              key: 'consumer_secret',
              message: 'consumer_secret is empty while consumer_key is set: set both, or leave both empty',
            }),
            problem({
              code: 'PLACEHOLDER',
              line: 4,
              section: 'authomatic',
              key: 'secret',
              message: 'value looks like a placeholder (rule "CHANGEME"); put the real secret in before deploying',
            }),
          ],
        },
        {
          environment: 'staging',
          file: null,
          encrypted: false,
          ok: false,
          sections: [],
          keys: 0,
          problems: [
            problem({
              code: 'FILE_NOT_FOUND',
              file: staging,
              message: `secrets file not found, nor ${staging}.age (environment "staging" set by the environment option; file derived from the environment name)`,
            }),
          ],
        },
      ],
    });

    // --strict: the same warnings, as errors, fail development too.
    const strict = await checkJson(dir, env, '-e', 'development', '--strict');
    expect(strict.stderr).toBe('');
    expect(strict.status).toBe(1);
    expect(parse(strict.stdout)).toEqual({
      schema: 'nest-secrets/check@1',
      ok: false,
      strict: true,
      environments: [
        {
          environment: 'development',
          file: dev,
          encrypted: false,
          ok: false,
          sections: SECTION_NAMES,
          keys: 8,
          problems: devWarnings.map((warning) => ({ ...warning, severity: 'error' })),
        },
      ],
    });
  });

  it('DTO problems of merged sources name where each value came from: a directory file, a variable (file null)', async () => {
    const { dir, env } = setup();
    const file = write(dir, 'production-secrets.ini', secretsFile(0), 0o600);
    const volume = path.join(dir, 'volume');
    run('mkdir', ['-p', volume]);
    write(volume, 'authomatic.secret', 'short-in-volume', 0o600);
    const result = await checkJson(
      dir,
      { ...env, SECRETS__SESSION__SECRET: 'short-in-variable' },
      '-e',
      'production',
      '--secrets-dir',
      'volume',
      '--env-prefix',
      'SECRETS__',
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    const tooShort = 'secret must be longer than or equal to 32 characters';
    expect(parse(result.stdout)).toEqual({
      schema: 'nest-secrets/check@1',
      ok: false,
      strict: false,
      environments: [
        {
          environment: 'production',
          file,
          encrypted: false,
          ok: false,
          sections: SECTION_NAMES,
          keys: 8,
          problems: [
            {
              severity: 'error',
              code: 'VALIDATION',
              file: path.join(volume, 'authomatic.secret'),
              line: null,
              column: null,
              section: 'authomatic',
              key: 'secret',
              message: tooShort,
            },
            {
              severity: 'error',
              code: 'VALIDATION',
              file: null,
              line: null,
              column: null,
              section: 'session',
              key: 'secret',
              message: `${tooShort} (from variable SECRETS__SESSION__SECRET)`,
            },
          ],
        },
      ],
    });
  });

  it('a file found but not parsed or decrypted still has its path in `file`; null only when none was found', async () => {
    const { dir, env, home } = setup();
    const staging = write(dir, 'staging-secrets.ini', '[a]\nbroken line\n', 0o600);
    const key = ageKeygen(home, 'key.txt');
    const production = path.join(dir, 'production-secrets.ini.age');
    writeFileSync(production, ageEncrypt([key.recipient], secretsFile(0), true));
    const result = await checkJson(dir, env, '-e', 'staging,production,test');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    const environments = parse(result.stdout).environments;
    expect(environments.map(({ environment, file, encrypted, ok }) => ({ environment, file, encrypted, ok }))).toEqual([
      { environment: 'staging', file: staging, encrypted: false, ok: false },
      { environment: 'production', file: production, encrypted: true, ok: false },
      { environment: 'test', file: null, encrypted: false, ok: false },
    ]);
    expect(environments.map((checked) => checked.problems.map((problem) => problem.code))).toEqual([
      ['SYNTAX'],
      ['NO_IDENTITY'],
      ['FILE_NOT_FOUND'],
    ]);
  });

  it('a key that may be a value is null, named by its line in the message', async () => {
    const { dir, env } = setup();
    const canaryKey = 'OtherCanary9876543210AbC';
    const file = write(
      dir,
      'production-secrets.ini',
      secretsFile(0) + `[extra]\n${canaryKey} = CHANGEME-0123456789012345678901234567\n`,
      0o600,
    );
    const result = await checkJson(dir, env, '-e', 'production');
    expect(result.status).toBe(1);
    expect(parse(result.stdout).environments[0]!.problems).toEqual([
      {
        severity: 'error',
        code: 'PLACEHOLDER',
        file,
        line: 15,
        column: null,
        section: 'extra',
        key: null,
        message:
          'the value of the key on line 15 looks like a placeholder (rule "CHANGEME"); put the real secret in before deploying',
      },
    ]);
    expect(result.stdout).not.toContain(canaryKey);
  });

  it('usage errors print no document: stdout empty, the message on stderr, exit 2', async () => {
    const { dir, env } = setup();
    write(dir, 'production-secrets.ini', secretsFile(0), 0o600);
    const without = await runCli(['check', '-e', 'production', '--json'], { cwd: dir, env, installed: true });
    expect(without).toEqual({
      status: 2,
      signal: null,
      stdout: '',
      stderr: "error: required option '--sections <module>' not specified\n",
    });
    const badName = await checkJson(dir, env, '-e', '../production');
    expect(badName).toEqual({
      status: 2,
      signal: null,
      stdout: '',
      stderr:
        "error: option '-e, --environment <names>' argument '../production' is invalid. " +
        'environment name "../production" (set by the environment option) is invalid: use letters, digits, "_", "." and "-", starting with a letter or digit, without ".."\n',
    });
    const none = await runCli(['check', '-e', 'production', '--sections', NO_SECTIONS, '--json'], {
      cwd: dir,
      env,
      installed: true,
    });
    expect(none).toEqual({
      status: 2,
      signal: null,
      stdout: '',
      stderr: `nest-secrets: ${NO_SECTIONS} exports no class decorated with @SecretsSection (export the DTO classes themselves; a class decorated by an older copy of nestjs-ini-secrets is recorded where this command cannot see it).\n`,
    });
  });

  it('a command that cannot run (a --sections module that throws) prints no document either: exit 1, stdout empty', async () => {
    const { dir, env } = setup();
    write(dir, 'production-secrets.ini', secretsFile(0), 0o600);
    const module = write(dir, 'throws.js', "throw new Error('boom');\n");
    const result = await runCli(['check', '-e', 'production', '--sections', module, '--json'], {
      cwd: dir,
      env,
      installed: true,
    });
    expect(result).toEqual({
      status: 1,
      signal: null,
      stdout: '',
      stderr: `nest-secrets: cannot import the --sections module ${module}: Error\n`,
    });
  });
});
