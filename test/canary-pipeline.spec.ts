/**
 * The whole pipeline, made to fail in every stage, with every value a
 * distinct random canary (made at test time, never in a test name): no
 * representation of any error, log line or loaded object contains a canary
 * or a 6-character slice of one.
 */
import { Module, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsEmail, IsInt, IsNotEmpty, IsString, MinLength } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { format, inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadSecrets, SecretsError, SecretsModule, SecretsSection } from '../lib';
import { tempDir, writeFile } from './helpers/tmp';
import { loadFailure } from './helpers/errors';

const canaries: string[] = [];

function canary(): string {
  const value = 'c' + randomBytes(12).toString('hex');
  canaries.push(value);
  return value;
}

function leaks(text: string): number {
  let found = 0;
  for (const value of canaries) {
    for (let i = 0; i + 6 <= value.length; i++) {
      if (text.includes(value.slice(i, i + 6))) {
        found++;
        break;
      }
    }
  }
  return found;
}

function representations(error: unknown): string[] {
  return [
    String(error),
    (error as Error).message,
    (error as Error).stack ?? '',
    inspect(error, { depth: null }),
    inspect(error, { depth: null, showHidden: true }),
    JSON.stringify(error),
    format('%o', error),
  ];
}

@SecretsSection('service')
class ServiceSecrets {
  @IsString() @MinLength(200, { message: 'token $value is too short' }) token!: string;
  @IsEmail({}, { message: (args) => `${String(args.value).slice(0, 8)} is not an email` }) email!: string;
  @IsInt() port!: number;
  @IsString() @IsNotEmpty() empty!: string;
  @IsString() @IsNotEmpty() missing!: string;
  @IsString() from_env!: string;
}

describe('no secret in any error, whatever the stage', () => {
  it('syntax stage', async () => {
    const dir = tempDir();
    const lines = [
      `${canary()}`,
      `${canary()} = x`,
      `[s]`,
      `${canary()}`,
      `k = "${canary()}`,
      `j = "${canary()}\\q"`,
      `i = '${canary()}' ${canary()}`,
      `h = ${canary()}$(${canary()})`,
      `g = ${canary()}\${${canary()}`,
      `[${canary()}`,
    ];
    writeFile(dir, 'development-secrets.ini', lines.join('\n'));
    const error = await loadFailure({ directory: dir, env: {} });
    expect(error.problems.length).toBeGreaterThanOrEqual(9);
    for (const text of representations(error)) expect(leaks(text)).toBe(0);
  });

  it('interpolation stage', async () => {
    const dir = tempDir();
    writeFile(
      dir,
      'development-secrets.ini',
      `[s]\nk = ${canary()}${'$'}{UNSET}${canary()}\nj = "${canary()}\${ALSO_UNSET}"\n`,
    );
    const error = await loadFailure({ directory: dir, env: { OTHER: canary() } });
    expect(error.codes).toEqual(['UNSET_VARIABLE', 'UNSET_VARIABLE']);
    for (const text of representations(error)) expect(leaks(text)).toBe(0);
  });

  it('conversion and validation stage, values from the file, a variable, overrides', async () => {
    const dir = tempDir();
    writeFile(
      dir,
      'development-secrets.ini',
      [
        '[service]',
        `token = ${canary()}`,
        `email = ${canary()}`,
        `port = ${canary()}`,
        'empty =',
        'from_env = $FROM_ENV',
        `tokne = ${canary()}`,
      ].join('\n'),
    );
    const error = await loadFailure({
      sections: [ServiceSecrets],
      directory: dir,
      env: { FROM_ENV: canary() },
      overrides: { service: { extra: canary() } },
    });
    expect(error.codes.sort()).toEqual(
      ['CONVERSION', 'EMPTY_VALUE', 'MISSING_KEY', 'UNKNOWN_KEY', 'UNKNOWN_KEY', 'VALIDATION', 'VALIDATION'].sort(),
    );
    for (const text of representations(error)) expect(leaks(text)).toBe(0);
  });

  it('a wrapped base64 secret whose second line parses as a key', async () => {
    const body = 'Zk9' + randomBytes(24).toString('base64').replace(/=+$/, '');
    canaries.push(body);
    const dir = tempDir();
    writeFile(dir, 'development-secrets.ini', `[service]\ntoken = base64:\n${body}=\n`);
    const error = await loadFailure({ sections: [ServiceSecrets], directory: dir, env: {} });
    expect(error.problems.find((p) => p.code === 'UNKNOWN_KEY')).toEqual({
      code: 'UNKNOWN_KEY',
      file: expect.any(String),
      line: 3,
      section: 'service',
      message: 'unknown key (not shown: it looks like a value — a wrapped or pasted line?)',
    });
    for (const text of representations(error)) expect(leaks(text)).toBe(0);
  });

  it('values option', async () => {
    const error = await loadFailure({
      sections: [ServiceSecrets],
      values: { service: { token: canary(), email: canary(), port: canary(), empty: '', from_env: canary() } },
    });
    for (const text of representations(error)) expect(leaks(text)).toBe(0);
  });

  it('not found and bad options', async () => {
    const secrets = await loadSecrets({ values: { s: { k: canary() } } });
    expect(() => secrets.getOrThrow('s.nope')).toThrow(SecretsError);
    try {
      secrets.getOrThrow('s.nope');
    } catch (error) {
      for (const text of representations(error)) expect(leaks(text)).toBe(0);
    }
    const bad = await loadFailure({ values: { s: { k: 1 as unknown as string, j: canary() } } });
    for (const text of representations(bad)) expect(leaks(text)).toBe(0);
    for (const text of [inspect(secrets, { depth: null }), JSON.stringify(secrets), String(secrets)])
      expect(leaks(text)).toBe(0);
  });

  it('a plaintext file renamed to .age', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'x-secrets.ini.age', `[s]\nk = ${canary()}\n`);
    const error = await loadFailure({ file, env: { SECRETS_AGE_KEY: 'AGE-SECRET-KEY-1' + 'Q'.repeat(58) } });
    for (const text of representations(error)) expect(leaks(text)).toBe(0);
  });

  it('the Nest module: start-up failure and every log line', async () => {
    const lines: string[] = [];
    const logger: LoggerService = {
      log: (...args: unknown[]) => void lines.push(format(...args)),
      warn: (...args: unknown[]) => void lines.push(format(...args)),
      error: (...args: unknown[]) => void lines.push(format(...args)),
    };
    const dir = tempDir();
    writeFile(dir, 'production-secrets.ini', `[service]\ntoken = ${canary()}\nemail = ${canary()}\n`, 0o644);
    @Module({
      imports: [
        SecretsModule.forRoot({
          sections: [ServiceSecrets],
          directory: dir,
          environment: 'production',
          env: {},
          logger,
        }),
      ],
    })
    class AppModule {}
    const error = await Test.createTestingModule({ imports: [AppModule] })
      .setLogger(logger)
      .compile()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsError);
    for (const text of [...representations(error), ...lines]) expect(leaks(text)).toBe(0);
  });
});
