/**
 * SecretsLogger: every message, parameter and context masked before it
 * reaches the inner logger (Nest's real ConsoleLogger, text and JSON mode,
 * or a logger of your own); an application that uses it as its logger masks
 * what Nest itself logs, including an exception thrown in a route handler.
 */
import {
  ConsoleLogger,
  Controller,
  Get,
  Injectable,
  Logger,
  type LoggerService,
  Module,
  type OnModuleInit,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IsString } from 'class-validator';
import { inspect, stripVTControlCharacters } from 'node:util';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadSecrets, SecretsLogger, SecretsModule, SecretsSection, SecretsService, type Secrets } from '../../lib';

// The canary: a secret value that must never reach any output.
const CANARY = 'canary-token-0b5e7d';

@SecretsSection('api')
class ApiSecrets {
  @IsString() token!: string;
}

const VALUES = { api: { token: CANARY } };

/** Everything written to stdout and stderr, with pid and timestamp fixed and colours stripped. */
function captureOutput(): { stdout: string[]; stderr: string[] } {
  const output = { stdout: [] as string[], stderr: [] as string[] };
  const normalise = (chunk: unknown): string =>
    stripVTControlCharacters(String(chunk)).replaceAll(`[Nest] ${process.pid}  - `, '[Nest] PID - ');
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => output.stdout.push(normalise(chunk)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => output.stderr.push(normalise(chunk)) > 0);
  return output;
}

/** A LoggerService that records its calls' arguments as they arrive. */
class RecordingLogger implements LoggerService {
  readonly calls: Array<[string, ...unknown[]]> = [];
  levels: string[] | undefined;
  log(...args: unknown[]): void {
    this.calls.push(['log', ...args]);
  }
  error(...args: unknown[]): void {
    this.calls.push(['error', ...args]);
  }
  warn(...args: unknown[]): void {
    this.calls.push(['warn', ...args]);
  }
  debug(...args: unknown[]): void {
    this.calls.push(['debug', ...args]);
  }
  verbose(...args: unknown[]): void {
    this.calls.push(['verbose', ...args]);
  }
  fatal(...args: unknown[]): void {
    this.calls.push(['fatal', ...args]);
  }
  setLogLevels(levels: string[]): void {
    this.levels = levels;
  }
}

let secrets: Secrets;

beforeEach(async () => {
  secrets = await loadSecrets({ sections: [ApiSecrets], values: VALUES, env: {} });
  vi.spyOn(ConsoleLogger.prototype as unknown as { getTimestamp(): string }, 'getTimestamp').mockReturnValue('TIME');
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('SecretsLogger around ConsoleLogger, text mode', () => {
  const logger = (): SecretsLogger => new SecretsLogger(secrets, new ConsoleLogger({ colors: false }));

  it('masks the message and the context', () => {
    const output = captureOutput();
    const log = logger();
    log.log(`token ${CANARY}`, 'Api');
    log.warn('calling', `client-${CANARY}`);
    expect(output.stdout).toEqual([
      '[Nest] PID - TIME     LOG [Api] token [REDACTED]\n',
      '[Nest] PID - TIME    WARN [client-[REDACTED]] calling\n',
    ]);
  });

  it('masks structured parameters and objects by their rendering, leaving the caller’s objects as they were', () => {
    const output = captureOutput();
    class Client {
      constructor(readonly token: string) {}
    }
    const params = { token: CANARY, retries: 3 };
    const client = new Client(CANARY);
    logger().log('request', params, client, 'Api');
    expect(output.stdout).toEqual([
      "[Nest] PID - TIME     LOG [Api] request { token: '[REDACTED]', retries: 3 }\n",
      "[Nest] PID - TIME     LOG [Api] Client { token: '[REDACTED]' } { token: '[REDACTED]', retries: 3 }\n",
    ]);
    expect([params, client.token]).toEqual([{ token: CANARY, retries: 3 }, CANARY]);
  });

  it("masks error(message, stack, context) as Nest's Logger passes it", () => {
    const output = captureOutput();
    logger().error(`failed with ${CANARY}`, `Error: failed with ${CANARY}\n    at handler (app.ts:1:2)`, 'Api');
    expect(output.stderr).toEqual([
      '[Nest] PID - TIME   ERROR [Api] failed with [REDACTED]\n',
      'Error: failed with [REDACTED]\n    at handler (app.ts:1:2)\n',
    ]);
  });

  it("masks an Error's message, stack and cause, and leaves the Error itself as it was", () => {
    const output = captureOutput();
    const error = new Error(`rejected ${CANARY}`, { cause: new Error(`upstream said ${CANARY}`) });
    logger().error(error, undefined, 'Api');
    expect(output.stderr.join('')).not.toContain(CANARY);
    expect(output.stderr[0]!.split('\n')[0]).toBe('[Nest] PID - TIME   ERROR [Api] Error: rejected [REDACTED]');
    expect(output.stderr.join('').match(/upstream said \[REDACTED\]/g)).toHaveLength(1);
    expect([error.message, (error.cause as Error).message, error.stack!.split('\n')[0]]).toEqual([
      `rejected ${CANARY}`,
      `upstream said ${CANARY}`,
      `Error: rejected ${CANARY}`,
    ]);
  });

  it('masks every level, and a lazy message when the logger calls it', () => {
    const output = captureOutput();
    const log = logger();
    log.debug(`d ${CANARY}`, 'A');
    log.verbose(`v ${CANARY}`, 'A');
    log.fatal(`f ${CANARY}`, 'A');
    log.log(() => `lazy ${CANARY}`, 'A');
    expect([...output.stdout, ...output.stderr]).toEqual([
      '[Nest] PID - TIME   DEBUG [A] d [REDACTED]\n',
      '[Nest] PID - TIME VERBOSE [A] v [REDACTED]\n',
      '[Nest] PID - TIME     LOG [A] lazy [REDACTED]\n',
      '[Nest] PID - TIME   FATAL [A] f [REDACTED]\n',
    ]);
  });

  it('passes setLogLevels on: a disabled level prints nothing', () => {
    const output = captureOutput();
    const log = logger();
    log.setLogLevels(['error']);
    log.log(`hidden ${CANARY}`, 'A');
    log.error('shown', 'A');
    expect([output.stdout, output.stderr]).toEqual([[], ['[Nest] PID - TIME   ERROR [A] shown\n']]);
  });
});

describe('SecretsLogger around ConsoleLogger, JSON mode', () => {
  it('masks the message, the params, the context and an error', () => {
    const output = captureOutput();
    const log = new SecretsLogger(secrets, new ConsoleLogger({ json: true }));
    log.log(`token ${CANARY}`, { token: CANARY }, `ctx-${CANARY}`);
    log.error(new Error(`rejected ${CANARY}`), undefined, 'Api');
    expect([...output.stdout, ...output.stderr].join('')).not.toContain(CANARY);
    const [line, errorLine] = [...output.stdout, ...output.stderr].map((text) => JSON.parse(text));
    expect(line).toEqual({
      level: 'log',
      pid: process.pid,
      timestamp: line.timestamp,
      message: 'token [REDACTED]',
      context: 'ctx-[REDACTED]',
      params: { token: '[REDACTED]' },
    });
    expect([
      errorLine.message,
      errorLine.context,
      errorLine.error.message,
      errorLine.error.stack.split('\n')[0],
    ]).toEqual(['rejected [REDACTED]', 'Api', 'rejected [REDACTED]', 'Error: rejected [REDACTED]']);
  });
});

describe('SecretsLogger around a logger of your own', () => {
  it('passes masked arguments, and arguments without a secret as the same values', () => {
    const inner = new RecordingLogger();
    const log = new SecretsLogger(secrets, inner);
    const clean = { user: 'ada' };
    const nested = { headers: { authorization: `Bearer ${CANARY}` }, list: [CANARY, 1] };
    log.log(`token ${CANARY}`, clean, nested, 'Ctx');
    log.warn(12345678, 'Ctx');
    expect(inner.calls).toEqual([
      [
        'log',
        'token [REDACTED]',
        clean,
        { headers: { authorization: 'Bearer [REDACTED]' }, list: ['[REDACTED]', 1] },
        'Ctx',
      ],
      ['warn', 12345678, 'Ctx'],
    ]);
    expect(inner.calls[0]![2]).toBe(clean);
    expect(nested).toEqual({ headers: { authorization: `Bearer ${CANARY}` }, list: [CANARY, 1] });
  });

  it('passes what it cannot copy as a stand-in printed as the masked rendering', () => {
    const inner = new RecordingLogger();
    const log = new SecretsLogger(secrets, inner);
    const circular: Record<string, unknown> = { token: CANARY };
    circular.self = circular;
    log.log(new Map([['token', CANARY]]), circular, new Error('failed', { cause: { token: CANARY } }), 'Ctx');
    const [, map, copy, error] = inner.calls[0]!;
    expect([inspect(map), String(map), JSON.stringify(map)]).toEqual([
      "Map(1) { 'token' => '[REDACTED]' }",
      "Map(1) { 'token' => '[REDACTED]' }",
      '{}',
    ]);
    expect(inspect(copy)).toBe("<ref *1> { token: '[REDACTED]', self: [Circular *1] }");
    expect(inspect((error as Error).cause)).toBe("{ token: '[REDACTED]' }");
    expect(circular.token).toBe(CANARY);
  });

  it('checks the JSON rendering too, and objects deeper than util.inspect prints by default', () => {
    const inner = new RecordingLogger();
    class Hidden {
      [inspect.custom](): string {
        return 'Hidden';
      }
      toJSON(): object {
        return { token: CANARY };
      }
    }
    const deep = { a: { b: { c: { d: { e: { f: { g: CANARY } } } } } } };
    new SecretsLogger(secrets, inner).log(new Hidden(), deep, 'Ctx');
    const [, hidden, copy, context] = inner.calls[0]!;
    expect([inspect(hidden), JSON.stringify(hidden), copy, context]).toEqual([
      'Hidden',
      '{"token":"[REDACTED]"}',
      { a: { b: { c: { d: { e: { f: { g: '[REDACTED]' } } } } } } },
      'Ctx',
    ]);
  });

  it('masks a number whose digits are a secret value', async () => {
    const inner = new RecordingLogger();
    const pin = await loadSecrets({ values: { card: { pin: '31415926' } }, env: {} });
    new SecretsLogger(pin, inner).log(31415926, 'Ctx');
    expect(inner.calls.map(([level, value, context]) => [level, String(value), context])).toEqual([
      ['log', '[REDACTED]', 'Ctx'],
    ]);
  });

  it('passes setLogLevels to it', () => {
    const inner = new RecordingLogger();
    new SecretsLogger(secrets, inner).setLogLevels(['warn', 'error']);
    expect(inner.levels).toEqual(['warn', 'error']);
  });

  it('wraps a logger of your own in a factory provider', async () => {
    const inner = new RecordingLogger();
    @Module({
      imports: [SecretsModule.forRoot({ sections: [ApiSecrets], values: VALUES, env: {}, logger: false })],
      providers: [
        {
          provide: 'APP_LOGGER',
          inject: [SecretsService],
          useFactory: (secretsService: SecretsService) => new SecretsLogger(secretsService, inner),
        },
      ],
    })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    try {
      app.get<SecretsLogger>('APP_LOGGER').log(`token ${CANARY}`, 'Ctx');
      expect(inner.calls).toEqual([['log', 'token [REDACTED]', 'Ctx']]);
    } finally {
      await app.close();
    }
  });
});

describe('SecretsLogger as the application logger (bufferLogs + useLogger)', () => {
  @Injectable()
  class ApiClient implements OnModuleInit {
    private readonly logger = new Logger(ApiClient.name);
    constructor(private readonly api: ApiSecrets) {}
    onModuleInit(): void {
      // A careless start-up log: buffered, then printed through SecretsLogger.
      this.logger.log(`using token ${this.api.token}`);
    }
  }

  @Controller()
  class BoomController {
    constructor(private readonly api: ApiSecrets) {}
    @Get('boom')
    boom(): never {
      throw new Error(`upstream rejected ${this.api.token}`);
    }
  }

  it('masks what Nest logs: buffered start-up lines and an exception thrown in a route handler', async () => {
    @Module({
      imports: [SecretsModule.forRoot({ sections: [ApiSecrets], values: VALUES, env: {} })],
      providers: [ApiClient],
      controllers: [BoomController],
    })
    class AppModule {}
    const output = captureOutput();
    const app = await NestFactory.create(AppModule, { bufferLogs: true });
    app.useLogger(app.get(SecretsLogger));
    try {
      await app.init();
      const response = await request(app.getHttpServer()).get('/boom');
      expect(response.body).toEqual({ statusCode: 500, message: 'Internal server error' });
    } finally {
      await app.close();
    }
    const all = [...output.stdout, ...output.stderr].join('');
    expect(all).not.toContain(CANARY);
    expect(output.stdout).toContain('[Nest] PID - TIME     LOG [ApiClient] using token [REDACTED]\n');
    const handled = output.stderr.find((text) => text.includes('[ExceptionsHandler]'))!;
    expect(handled.split('\n')[0]).toBe(
      '[Nest] PID - TIME   ERROR [ExceptionsHandler] Error: upstream rejected [REDACTED]',
    );
    expect(handled.split('\n')[1]).toMatch(/^ {4}at /);
  });

  it('is provided and exported by forRootAsync too', async () => {
    @Module({
      imports: [
        SecretsModule.forRootAsync({
          sections: [ApiSecrets],
          isGlobal: false,
          useFactory: () => ({ values: VALUES, env: {}, logger: false }),
        }),
      ],
    })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    try {
      const output = captureOutput();
      app.get(SecretsLogger).log(`token ${CANARY}`, 'Ctx');
      expect(output.stdout).toEqual(['[Nest] PID - TIME     LOG [Ctx] token [REDACTED]\n']);
    } finally {
      await app.close();
    }
  });
});
