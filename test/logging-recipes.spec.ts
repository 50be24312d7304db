/**
 * The README's recipes ("Logging without leaking secrets"), run as written
 * through the real libraries: pino, nestjs-pino in a Nest app, winston. Only
 * the destination differs: memory instead of stdout.
 */
import { Injectable, Logger as NestLogger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IsString } from 'class-validator';
import { Logger, LoggerModule } from 'nestjs-pino';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import winston, { format } from 'winston';
import { loadSecrets, SecretsModule, SecretsSection, SecretsService } from '../lib';

// The canary: a secret value that must never reach any output.
const CANARY = 'canary-token-3c8f1a';

@SecretsSection('api')
class ApiSecrets {
  @IsString() token!: string;
}

const VALUES = { api: { token: CANARY } };

/** A pino destination that keeps each written line. */
function memoryDestination(): { lines: string[]; write(line: string): void } {
  const lines: string[] = [];
  return { lines, write: (line) => void lines.push(line) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('pino: mask every line with hooks.streamWrite', () => {
  it('masks a secret in a merged object and in a formatted message', async () => {
    const memory = memoryDestination();
    const secrets = await loadSecrets({ sections: [ApiSecrets], values: VALUES, env: {} });
    const api = secrets.section(ApiSecrets);

    const logger = pino({ hooks: { streamWrite: (line) => secrets.mask(line) } }, memory);
    logger.info({ token: api.token }, 'calling the API');
    logger.info('token %s', api.token);

    const records = memory.lines.map((line) => JSON.parse(line));
    expect(memory.lines.join('')).not.toContain(CANARY);
    expect(records.map(({ token, msg }) => ({ token, msg }))).toEqual([
      { token: '[REDACTED]', msg: 'calling the API' },
      { token: undefined, msg: 'token [REDACTED]' },
    ]);
  });
});

describe('nestjs-pino: mask every line with hooks.streamWrite, secrets from SecretsService', () => {
  it('masks what a service logs through Nest’s Logger', async () => {
    const memory = memoryDestination();

    @Injectable()
    class ApiClient {
      private readonly logger = new NestLogger(ApiClient.name);
      constructor(private readonly api: ApiSecrets) {}
      call(): void {
        this.logger.log(`calling with ${this.api.token}`);
      }
    }

    @Module({
      imports: [
        SecretsModule.forRoot({ sections: [ApiSecrets], values: VALUES, env: {} }),
        LoggerModule.forRootAsync({
          inject: [SecretsService],
          useFactory: (secrets: SecretsService) => ({
            pinoHttp: { hooks: { streamWrite: (line: string) => secrets.mask(line) }, stream: memory },
          }),
        }),
      ],
      providers: [ApiClient],
    })
    class AppModule {}

    const app = await NestFactory.create(AppModule, { bufferLogs: true });
    app.useLogger(app.get(Logger));
    try {
      await app.init();
      app.get(ApiClient).call();
    } finally {
      await app.close();
    }

    expect(memory.lines.join('')).not.toContain(CANARY);
    const record = memory.lines.map((line) => JSON.parse(line)).find((r) => r.context === 'ApiClient');
    expect(record.msg).toBe('calling with [REDACTED]');
  });
});

describe('winston: mask the rendered line in a format', () => {
  it('masks a secret in metadata and in a formatted message', async () => {
    const stream = new PassThrough();
    const written: string[] = [];
    stream.on('data', (chunk: Buffer) => written.push(chunk.toString()));
    const secrets = await loadSecrets({ sections: [ApiSecrets], values: VALUES, env: {} });
    const api = secrets.section(ApiSecrets);

    const MESSAGE = Symbol.for('message'); // the rendered line (triple-beam's MESSAGE)
    const maskSecrets = format((info) => {
      info[MESSAGE] = secrets.mask(info[MESSAGE] as string);
      return info;
    });
    const logger = winston.createLogger({
      format: format.combine(format.errors({ stack: true }), format.splat(), format.json(), maskSecrets()),
      transports: [new winston.transports.Stream({ stream })],
    });
    logger.info('calling the API', { token: api.token });
    logger.info('token %s', api.token);
    logger.error(new Error(`upstream rejected ${api.token}`));

    await new Promise((resolve) => setImmediate(resolve));
    expect(written.join('')).not.toContain(CANARY);
    expect(written.map((line) => JSON.parse(line))).toEqual([
      { level: 'info', message: 'calling the API', token: '[REDACTED]' },
      { level: 'info', message: 'token [REDACTED]' },
      {
        level: 'error',
        message: 'upstream rejected [REDACTED]',
        stack: expect.stringMatching(/^Error: upstream rejected \[REDACTED\]\n {4}at /),
      },
    ]);
  });
});
