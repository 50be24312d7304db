/**
 * Attack regression: a start-up that fails inside `NestFactory.create` (a
 * provider's factory throws) prints buffered lines and the error through
 * Nest's default logger, before `useLogger` can run. The README's recipe for
 * that case — a SecretsLogger from `loadSecrets`, passed to `create` — masks
 * them.
 */
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IsString } from 'class-validator';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, expect, it, vi } from 'vitest';
import { loadSecrets, SecretsLogger, SecretsModule, SecretsSection } from '../lib';

// The canary.
const TOKEN = 'plain-canary-77aa';

@SecretsSection('api')
class ApiSecrets {
  @IsString() token!: string;
}

const options = { sections: [ApiSecrets], values: { api: { token: TOKEN } }, env: {} };

@Module({
  imports: [SecretsModule.forRoot(options)],
  providers: [
    {
      provide: 'DB',
      inject: [ApiSecrets],
      useFactory: (api: ApiSecrets) => {
        new Logger('Db').log(`connecting with ${api.token}`);
        throw new Error(`connect failed for ${api.token}`);
      },
    },
  ],
})
class FailingModule {}

afterEach(() => {
  vi.restoreAllMocks();
});

it('masks the lines of a start-up that fails in NestFactory.create, with the logger passed to create', async () => {
  const out: string[] = [];
  const capture = (chunk: unknown) => out.push(stripVTControlCharacters(String(chunk))) > 0;
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const secrets = await loadSecrets(options);
  await expect(
    NestFactory.create(FailingModule, { logger: new SecretsLogger(secrets), abortOnError: false }),
  ).rejects.toThrow('connect failed for');
  const lines = out.join('').split('\n');
  expect(
    lines
      .filter((line) => /\[(Db|ExceptionHandler)\]/.test(line))
      .map((line) => line.replace(/^.*?(\[(Db|ExceptionHandler)\])/, '$1')),
  ).toEqual(['[Db] connecting with [REDACTED]', '[ExceptionHandler] Error: connect failed for [REDACTED]']);
  expect(out.join('')).not.toContain(TOKEN);
});
