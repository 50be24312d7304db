/**
 * A loaded instance's secret properties are not enumerable: whatever copies
 * or walks enumerable own properties (spread, Object.assign, structuredClone,
 * console.table, pino's merging object, nestjs-pino's Nest Logger) carries
 * no secret — through the real libraries. Printing and class-transformer
 * still list them, redacted.
 */
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { ConsoleLogger, Logger, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Expose, instanceToInstance, instanceToPlain, Transform } from 'class-transformer';
import { IsOptional, IsString, MinLength, validate } from 'class-validator';
import { LoggerModule, Logger as PinoNestLogger } from 'nestjs-pino';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSecrets, NotSecret, REDACTED, SecretsError, SecretsModule, SecretsSection } from '../lib';

const KEY = 'CANARY-consumer-key-b42d09e6';
const SECRET = 'CANARY-consumer-secret-7f3a91c5';

@SecretsSection('facebook')
class FacebookSecrets {
  @IsString() consumer_key!: string;
  @IsString() consumer_secret!: string;
  @NotSecret() @IsString({ each: true }) scope!: string[];
  @IsOptional() @IsString() mapper?: string;
}

const VALUES = { facebook: { consumer_key: KEY, consumer_secret: SECRET, scope: 'user_about_me, email' } };

/** What every enumerating copy of the instance holds: the @NotSecret list and the unset value. */
const SHOWN = { scope: ['user_about_me', 'email'], mapper: undefined };

async function load(): Promise<FacebookSecrets> {
  return (await loadSecrets({ sections: [FacebookSecrets], values: VALUES, env: {} })).section(FacebookSecrets)!;
}

/** A byte sink and the text written to it. */
function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** Runs `fn` with process.stdout/stderr writes captured (and not printed). */
function captureStdio(fn: () => void): string {
  const written: string[] = [];
  const out = process.stdout.write;
  const err = process.stderr.write;
  const record = (chunk: string | Uint8Array): boolean => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  process.stdout.write = record as typeof process.stdout.write;
  process.stderr.write = record as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return written.join('');
}

describe('copies and walks of a loaded instance carry no secret', () => {
  it('spread', async () => {
    const copy = { ...(await load()) };
    expect(copy).toStrictEqual(SHOWN);
    expect(Object.keys(copy)).toEqual(['scope', 'mapper']);
  });

  it('Object.assign', async () => {
    expect(Object.assign({}, await load())).toStrictEqual(SHOWN);
  });

  it('Object.keys, Object.values, Object.entries', async () => {
    const facebook = await load();
    expect(Object.keys(facebook)).toEqual(['scope', 'mapper']);
    expect(Object.values(facebook)).toEqual([['user_about_me', 'email'], undefined]);
    expect(Object.entries(facebook)).toEqual([
      ['scope', ['user_about_me', 'email']],
      ['mapper', undefined],
    ]);
  });

  it('for…in', async () => {
    const keys: string[] = [];
    for (const key in await load()) keys.push(key);
    expect(keys).toEqual(['scope', 'mapper']);
  });

  it("class-transformer's instanceToInstance", async () => {
    // The copy's own class fields start as undefined; the secrets are not copied into them.
    expect({ ...instanceToInstance(await load()) }).toStrictEqual({
      consumer_key: undefined,
      consumer_secret: undefined,
      ...SHOWN,
    });
  });

  it('structuredClone', async () => {
    const clone = structuredClone(await load());
    expect(clone).toStrictEqual(SHOWN);
    expect(Object.getPrototypeOf(clone)).toBe(Object.prototype);
  });

  it('console.table', async () => {
    const out = sink();
    new Console(out.stream).table(await load());
    expect(out.text()).not.toContain('CANARY');
    expect(out.text()).toBe(
      [
        '┌─────────┬─────────────────┬─────────┬───────────┐',
        '│ (index) │ 0               │ 1       │ Values    │',
        '├─────────┼─────────────────┼─────────┼───────────┤',
        "│ scope   │ 'user_about_me' │ 'email' │           │",
        '│ mapper  │                 │         │ undefined │',
        '└─────────┴─────────────────┴─────────┴───────────┘',
        '',
      ].join('\n'),
    );
  });

  it('util.inspect with customInspect: false shows only what may be shown', async () => {
    expect(inspect(await load(), { customInspect: false, breakLength: Infinity })).toBe(
      "FacebookSecrets { scope: [ 'user_about_me', 'email' ], mapper: undefined }",
    );
  });

  it("pino's merging object: logger.info(dto) and logger.info(dto, 'loaded')", async () => {
    const facebook = await load();
    const out = sink();
    const logger = pino({ base: undefined, timestamp: false }, out.stream);
    logger.info(facebook);
    logger.info(facebook, 'loaded');
    expect(out.text()).toBe(
      '{"level":30,"scope":["user_about_me","email"]}\n{"level":30,"scope":["user_about_me","email"],"msg":"loaded"}\n',
    );
  });
});

describe('Nest loggers given a loaded instance', () => {
  let app: INestApplicationContext | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    Logger.overrideLogger(new ConsoleLogger());
  });

  it("nestjs-pino as the app's logger: new Logger('Svc').log(dto)", async () => {
    const out = sink();
    @Module({
      imports: [
        LoggerModule.forRoot({ pinoHttp: [{ base: undefined, timestamp: false }, out.stream] }),
        SecretsModule.forRoot({ sections: [FacebookSecrets], values: VALUES, env: {}, logger: false }),
      ],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    app.useLogger(app.get(PinoNestLogger));
    new Logger('Svc').log(app.get(FacebookSecrets));
    expect(out.text()).toBe('{"level":30,"context":"Svc","scope":["user_about_me","email"]}\n');
  });

  it("Nest's ConsoleLogger, text mode, shows [REDACTED]", async () => {
    const facebook = await load();
    const text = captureStdio(() => new ConsoleLogger('Svc', { colors: false }).log(facebook));
    expect(text).not.toContain('CANARY');
    expect(text.slice(text.indexOf('[Svc] '))).toBe(
      "[Svc] FacebookSecrets {\n  consumer_key: '[REDACTED]',\n  consumer_secret: '[REDACTED]',\n  scope: [\n    'user_about_me',\n    'email'\n  ],\n  mapper: undefined\n}\n",
    );
  });

  it("Nest's ConsoleLogger, JSON mode, shows [REDACTED]", async () => {
    const facebook = await load();
    const text = captureStdio(() => new ConsoleLogger({ json: true, context: 'Svc' }).log(facebook));
    const record = JSON.parse(text) as Record<string, unknown>;
    expect(text).not.toContain('CANARY');
    expect(record.message).toEqual({
      consumer_key: REDACTED,
      consumer_secret: REDACTED,
      scope: ['user_about_me', 'email'],
    });
    expect(record.context).toBe('Svc');
  });
});

describe('what stays as it was', () => {
  it('property access returns the real values', async () => {
    const facebook = await load();
    expect([facebook.consumer_key, facebook.consumer_secret, facebook.scope]).toEqual([
      KEY,
      SECRET,
      ['user_about_me', 'email'],
    ]);
    expect('consumer_secret' in facebook).toBe(true);
    expect(Object.prototype.hasOwnProperty.call(facebook, 'consumer_secret')).toBe(true);
  });

  it('a secret is an own non-enumerable frozen data property; @NotSecret and undefined ones stay enumerable', async () => {
    const facebook = await load();
    expect(Object.getOwnPropertyDescriptor(facebook, 'consumer_secret')).toEqual({
      value: SECRET,
      writable: false,
      enumerable: false,
      configurable: false,
    });
    expect(Object.getOwnPropertyDescriptor(facebook, 'scope')).toEqual({
      value: ['user_about_me', 'email'],
      writable: false,
      enumerable: true,
      configurable: false,
    });
    expect(Object.getOwnPropertyDescriptor(facebook, 'mapper')).toEqual({
      value: undefined,
      writable: false,
      enumerable: true,
      configurable: false,
    });
  });

  it('is still deeply frozen: a secret cannot be made enumerable', async () => {
    const facebook = await load();
    expect(Object.isFrozen(facebook)).toBe(true);
    expect(Object.isFrozen(facebook.scope)).toBe(true);
    expect(() => Object.defineProperty(facebook, 'consumer_secret', { enumerable: true })).toThrow(TypeError);
  });

  it('inspect, JSON.stringify, String() and instanceToPlain still list every key, redacted', async () => {
    const facebook = await load();
    expect(inspect(facebook, { breakLength: Infinity })).toBe(
      "FacebookSecrets { consumer_key: '[REDACTED]', consumer_secret: '[REDACTED]', scope: [ 'user_about_me', 'email' ], mapper: undefined }",
    );
    expect(String(facebook)).toBe(inspect(facebook));
    expect(JSON.stringify(facebook)).toBe(
      '{"consumer_key":"[REDACTED]","consumer_secret":"[REDACTED]","scope":["user_about_me","email"]}',
    );
    expect(instanceToPlain(facebook)).toStrictEqual({
      consumer_key: REDACTED,
      consumer_secret: REDACTED,
      scope: ['user_about_me', 'email'],
      mapper: undefined,
    });
  });

  it('class-validator still validates every property', async () => {
    const facebook = await load();
    expect(await validate(facebook)).toEqual([]);
  });

  it("a secret set by the DTO's initializer and kept (absent optional key) is hidden too", async () => {
    @SecretsSection('smtp')
    class Smtp {
      @IsOptional() @IsString() password?: string = 'CANARY-initializer-5e1c';
      @NotSecret() @IsOptional() @IsString() host?: string = 'mail';
    }
    const smtp = (await loadSecrets({ sections: [Smtp], values: { smtp: {} }, env: {} })).section(Smtp)!;
    expect({ ...smtp }).toStrictEqual({ host: 'mail' });
    expect(smtp.password).toBe('CANARY-initializer-5e1c');
    expect(JSON.stringify(smtp)).toBe('{"password":"[REDACTED]","host":"mail"}');
  });
});

describe("instanceToPlain keeps the DTO's own @Expose decisions for hidden secrets", () => {
  it('groups: listed only for the group', async () => {
    @SecretsSection('api')
    class Api {
      @Expose({ groups: ['admin'] }) @IsString() token!: string;
      @NotSecret() @IsString() region!: string;
    }
    const api = (
      await loadSecrets({ sections: [Api], values: { api: { token: 'CANARY-group-61d0', region: 'eu' } }, env: {} })
    ).section(Api)!;
    expect(instanceToPlain(api)).toStrictEqual({ region: 'eu' });
    expect(instanceToPlain(api, { groups: ['admin'] })).toStrictEqual({ region: 'eu', token: REDACTED });
  });

  it('a toClassOnly @Expose name still names the plain key', async () => {
    @SecretsSection('api')
    class Api {
      @Expose({ name: 'api-token', toClassOnly: true }) @IsString() token!: string;
    }
    const api = (
      await loadSecrets({ sections: [Api], values: { api: { 'api-token': 'CANARY-named-0f4e' } }, env: {} })
    ).section(Api)!;
    expect(api.token).toBe('CANARY-named-0f4e');
    expect(instanceToPlain(api)).toStrictEqual({ 'api-token': REDACTED });
  });
});

describe('validation messages still see hidden values', () => {
  it('a message quoting a value that only the built instance holds falls back to the rule name', async () => {
    let derived = '';
    @SecretsSection('api')
    class Api {
      @Transform(({ value }: { value: string }) => (derived = [...value].reverse().join('')))
      @MinLength(100, { message: () => `too short: ${derived}` })
      token!: string;
    }
    const error = await loadSecrets({
      sections: [Api],
      values: { api: { token: 'CANARY-transformed-93d2ab' } },
      env: {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsError);
    expect((error as SecretsError).problems.map((p) => p.message)).toEqual(['failed minLength']);
  });

  it('a message function reading args.object sees every key, redacted', async () => {
    @SecretsSection('api')
    class Api {
      @MinLength(100, {
        message: ({ object }) => `keys ${Object.keys(object).join(',')}: ${(object as { token: string }).token}`,
      })
      token!: string;
    }
    const error = await loadSecrets({
      sections: [Api],
      values: { api: { token: 'CANARY-short-4b8e' } },
      env: {},
    }).catch((e: unknown) => e);
    expect((error as SecretsError).problems.map((p) => p.message)).toEqual(['keys token: [REDACTED]']);
  });
});
