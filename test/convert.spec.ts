import { Exclude, Expose, Transform, Type } from 'class-transformer';
import { Allow, IsBoolean, IsDefined, IsInt, IsNumber, IsOptional, IsString, ValidateIf } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { convertString } from '../lib/dto/convert';
import { NotSecret, SecretsSection } from '../lib/dto/decorators';
import { SecretsError, type SecretsProblem } from '../lib/errors';
import { buildSections } from '../lib/dto/validate';
import { ownProperties } from './helpers/own-properties';
import { rawSections, rawValues } from './helpers/raw-sections';

const FILE = '/srv/app/production-secrets.ini';

async function build<T>(dto: new () => T, ini: string): Promise<T> {
  const built = await buildSections([dto], rawSections(ini), FILE);
  return built.get(dto) as T;
}

async function problems(classes: Function[], ini: string): Promise<SecretsProblem[]> {
  try {
    await buildSections(classes, rawSections(ini), FILE);
  } catch (error) {
    if (error instanceof SecretsError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a SecretsError');
}

describe('numbers', () => {
  @SecretsSection('server')
  class Server {
    @IsNumber() port!: number;
  }

  it.each([
    ['8080', 8080],
    ['-3', -3],
    ['0.25', 0.25],
    ['0123', 123],
  ])('%s is %s', async (text, value) => {
    expect((await build(Server, `[server]\nport = ${text}`)).port).toBe(value);
  });

  it.each(['12abc', '1e3', '0x10', '+1', '.5', '1.', 'NaN', 'Infinity', '1 000'])(
    '%s is CONVERSION, never 0 or NaN',
    async (text) => {
      expect(await problems([Server], `[server]\nport = ${text}`)).toEqual([
        {
          code: 'CONVERSION',
          file: FILE,
          line: 2,
          section: 'server',
          key: 'port',
          message:
            "not a number: Server.port expects digits with an optional leading '-' and decimal part, e.g. 8080, -3 or 0.25",
        },
      ]);
    },
  );

  it('an integer beyond Number.MAX_SAFE_INTEGER is CONVERSION', async () => {
    expect((await problems([Server], '[server]\nport = 9007199254740993'))[0]!.message).toBe(
      'integer out of range: Server.port expects at most 9007199254740991 in magnitude (declare it bigint or string for larger integers)',
    );
  });

  it('a @Type(() => Number) does not bring back implicit conversion', async () => {
    @SecretsSection('server')
    class Typed {
      @Type(() => Number) @IsInt() port!: number;
    }
    expect((await problems([Typed], '[server]\nport = 0x10'))[0]!.code).toBe('CONVERSION');
  });

  it('a bigint takes any integer', async () => {
    @SecretsSection('ledger')
    class Ledger {
      @Allow() total!: bigint;
    }
    expect((await build(Ledger, '[ledger]\ntotal = 90071992547409930')).total).toBe(90071992547409930n);
  });
});

describe('booleans', () => {
  @SecretsSection('features')
  class Features {
    @IsBoolean() debug!: boolean;
  }

  it.each([
    ['true', true],
    ['TRUE', true],
    ['Yes', true],
    ['on', true],
    ['1', true],
    ['false', false],
    ['No', false],
    ['OFF', false],
    ['0', false],
  ])('%s is %s', async (text, value) => {
    expect((await build(Features, `[features]\ndebug = ${text}`)).debug).toBe(value);
  });

  it.each(['maybe', 'y', '2', 'truee'])('%s is CONVERSION', async (text) => {
    expect(await problems([Features], `[features]\ndebug = ${text}`)).toEqual([
      {
        code: 'CONVERSION',
        file: FILE,
        line: 2,
        section: 'features',
        key: 'debug',
        message: 'not a boolean: Features.debug expects true/false, yes/no, on/off or 1/0 (any case)',
      },
    ]);
  });
});

describe('strings and arrays', () => {
  it('a string is taken as is', async () => {
    @SecretsSection('facebook')
    class Facebook {
      @IsString() consumer_secret!: string;
    }
    expect((await build(Facebook, '[facebook]\nconsumer_secret = Xk9#Qp;Zr2, =x')).consumer_secret).toBe(
      'Xk9#Qp;Zr2, =x',
    );
  });

  it('an array is split at commas, items trimmed', async () => {
    @SecretsSection('facebook')
    class Facebook {
      @NotSecret() @IsString({ each: true }) scope!: string[];
    }
    expect((await build(Facebook, '[facebook]\nscope = user_about_me, email')).scope).toEqual([
      'user_about_me',
      'email',
    ]);
  });

  it('empty items are dropped', async () => {
    @SecretsSection('facebook')
    class Facebook {
      @IsString({ each: true }) scope!: string[];
    }
    expect((await build(Facebook, '[facebook]\nscope = ,a,, b ,')).scope).toEqual(['a', 'b']);
  });

  it('@Type(() => Number) converts each item', async () => {
    @SecretsSection('cluster')
    class Cluster {
      @Type(() => Number) @IsInt({ each: true }) ports!: number[];
    }
    expect((await build(Cluster, '[cluster]\nports = 7000, 7001')).ports).toEqual([7000, 7001]);
  });

  it('@Type(() => Boolean) converts each item', async () => {
    @SecretsSection('cluster')
    class Cluster {
      @Type(() => Boolean) @IsBoolean({ each: true }) flags!: boolean[];
    }
    expect((await build(Cluster, '[cluster]\nflags = yes, OFF')).flags).toEqual([true, false]);
  });

  it('an item that does not convert is CONVERSION naming its position', async () => {
    @SecretsSection('cluster')
    class Cluster {
      @Type(() => Number) @IsInt({ each: true }) ports!: number[];
    }
    expect((await problems([Cluster], '[cluster]\nports = 7000, seven'))[0]!.message).toBe(
      "item 2: not a number: Cluster.ports expects digits with an optional leading '-' and decimal part, e.g. 8080, -3 or 0.25",
    );
  });

  it('a union type (design:type Object) gets the string', async () => {
    @SecretsSection('server')
    class Server {
      @IsString() port!: number | string;
    }
    expect((await build(Server, '[server]\nport = 8080')).port).toBe('8080');
  });

  it('another class type is CONVERSION naming the type', async () => {
    @SecretsSection('certs')
    class Certs {
      @Allow() expires!: Date;
    }
    expect((await problems([Certs], '[certs]\nexpires = 2030-01-01'))[0]).toEqual({
      code: 'CONVERSION',
      file: FILE,
      line: 2,
      section: 'certs',
      key: 'expires',
      message:
        'cannot convert to Date: Certs.expires must be declared as string, number, boolean, bigint, or an array of string, number or boolean; for other types add @Transform',
    });
  });
});

describe('convertString', () => {
  it('never returns NaN for a non-number', () => {
    expect(convertString('', Number, 'X.n')).toEqual({
      ok: false,
      message: "not a number: X.n expects digits with an optional leading '-' and decimal part, e.g. 8080, -3 or 0.25",
    });
  });

  it('gives an empty list for a value of commas', () => {
    expect(convertString(' , ,', Array, 'X.list')).toEqual({ ok: true, value: [] });
  });
});

describe('empty and missing keys', () => {
  it('an empty value for an @IsOptional() field becomes undefined', async () => {
    @SecretsSection('smtp')
    class Smtp {
      @IsOptional() @IsString() password?: string;
    }
    const smtp = await build(Smtp, '[smtp]\npassword =');
    expect(smtp.password).toBeUndefined();
  });

  it('an empty value for another field is EMPTY_VALUE at its line', async () => {
    @SecretsSection('smtp')
    class Smtp {
      @IsString() password!: string;
    }
    expect(await problems([Smtp], '[smtp]\npassword =')).toEqual([
      {
        code: 'EMPTY_VALUE',
        file: FILE,
        line: 2,
        section: 'smtp',
        key: 'password',
        message: 'empty value: Smtp.password is required (mark it @IsOptional() to allow an empty value)',
      },
    ]);
  });

  it('an absent declared key is MISSING_KEY at the section header line', async () => {
    @SecretsSection('smtp')
    class Smtp {
      @IsString() host!: string;
      @IsString() password!: string;
    }
    expect(await problems([Smtp], '\n\n[smtp]\nhost = mail')).toEqual([
      {
        code: 'MISSING_KEY',
        file: FILE,
        line: 3,
        section: 'smtp',
        key: 'password',
        message: 'missing key: Smtp.password is required (mark it @IsOptional() to allow leaving it out)',
      },
    ]);
  });

  it('an absent @IsOptional() key is undefined', async () => {
    @SecretsSection('smtp')
    class Smtp {
      @IsString() host!: string;
      @IsOptional() @IsString() password?: string;
    }
    const smtp = await build(Smtp, '[smtp]\nhost = mail');
    expect(smtp.password).toBeUndefined();
    expect(Object.getOwnPropertyNames(smtp)).toEqual(['host', 'password']);
  });

  it('an absent @IsOptional() key keeps the field initializer', async () => {
    @SecretsSection('smtp')
    class Smtp {
      @IsOptional() @IsInt() port: number = 25;
    }
    expect((await build(Smtp, '[smtp]')).port).toBe(25);
  });

  it('an absent or empty @ValidateIf() key is left to validation', async () => {
    @SecretsSection('twitter')
    class Twitter {
      @ValidateIf((o: Twitter) => o.consumer_secret !== undefined) @IsDefined() @IsString() consumer_key?: string;
      @ValidateIf((o: Twitter) => o.consumer_key !== undefined) @IsDefined() @IsString() consumer_secret?: string;
    }
    const twitter = await build(Twitter, '[twitter]\nconsumer_key =');
    expect([twitter.consumer_key, twitter.consumer_secret]).toEqual([undefined, undefined]);
  });

  it('values from overrides carry no line', async () => {
    @SecretsSection('smtp')
    class Smtp {
      @IsNumber() port!: number;
    }
    await expect(buildSections([Smtp], rawValues({ smtp: { port: 'x' } }), undefined)).rejects.toThrow(
      new SecretsError([
        {
          code: 'CONVERSION',
          section: 'smtp',
          key: 'port',
          message:
            "not a number: Smtp.port expects digits with an optional leading '-' and decimal part, e.g. 8080, -3 or 0.25",
        },
      ]),
    );
  });
});

describe('sections', () => {
  @SecretsSection('facebook')
  class Facebook {
    @IsString() consumer_key!: string;
  }

  it('a missing required section is MISSING_SECTION with the file and no line', async () => {
    expect(await problems([Facebook], '[google]\nconsumer_key = k')).toEqual([
      {
        code: 'MISSING_SECTION',
        file: FILE,
        section: 'facebook',
        message:
          "missing section: Facebook requires [facebook] (declare @SecretsSection('facebook', { optional: true }) if it may be absent)",
      },
    ]);
  });

  it('a missing optional section is null', async () => {
    @SecretsSection('facebook', { optional: true })
    class MaybeFacebook {
      @IsString() consumer_key!: string;
    }
    const built = await buildSections([MaybeFacebook], rawSections('[google]\nconsumer_key = k'), FILE);
    expect(built.get(MaybeFacebook)).toBeNull();
  });

  it('a present optional section is converted and validated normally', async () => {
    @SecretsSection('facebook', { optional: true })
    class MaybeFacebook {
      @IsString() consumer_key!: string;
    }
    expect((await problems([MaybeFacebook], '[facebook]\nconsumer_key =')).map((p) => p.code)).toEqual(['EMPTY_VALUE']);
  });

  it('a DTO receives only its own section', async () => {
    const built = await buildSections(
      [Facebook],
      rawSections('[google]\nconsumer_key = g\n[facebook]\nconsumer_key = f'),
      FILE,
    );
    expect((built.get(Facebook) as Facebook).consumer_key).toBe('f');
  });
});

describe('declared keys', () => {
  it('a key no property declares is UNKNOWN_KEY with a did-you-mean', async () => {
    @SecretsSection('api')
    class Api {
      @IsString() secret!: string;
    }
    expect(await problems([Api], '[api]\nsecert = s')).toEqual([
      {
        code: 'UNKNOWN_KEY',
        file: FILE,
        line: 2,
        section: 'api',
        key: 'secert',
        message: "unknown key (did you mean 'secret'?)",
      },
      {
        code: 'MISSING_KEY',
        file: FILE,
        line: 1,
        section: 'api',
        key: 'secret',
        message: 'missing key: Api.secret is required (mark it @IsOptional() to allow leaving it out)',
      },
    ]);
  });

  it('an unknown key without a close match lists the declared keys', async () => {
    @SecretsSection('api')
    class Api {
      @IsString() secret!: string;
      @IsOptional() @IsString() region?: string;
    }
    expect((await problems([Api], '[api]\nsecret = s\nendpoint = e'))[0]!.message).toBe(
      'unknown key (Api declares: secret, region)',
    );
  });

  it('allowUnknownKeys ignores undeclared keys', async () => {
    @SecretsSection('api', { allowUnknownKeys: true })
    class Api {
      @IsString() secret!: string;
    }
    const api = await build(Api, '[api]\nsecret = s\nendpoint = e');
    expect(Object.getOwnPropertyNames(api)).toEqual(['secret']);
  });

  it('two DTOs of one section: a key declared by either is known, and each gets only its own', async () => {
    @SecretsSection('facebook')
    class Keys {
      @IsString() consumer_key!: string;
    }
    @SecretsSection('facebook')
    class Scope {
      @IsString({ each: true }) scope!: string[];
    }
    const built = await buildSections([Keys, Scope], rawSections('[facebook]\nconsumer_key = k\nscope = a, b'), FILE);
    expect(ownProperties(built.get(Keys)!)).toEqual({ consumer_key: 'k' });
    expect(ownProperties(built.get(Scope)!)).toEqual({ scope: ['a', 'b'] });
  });

  it('@Expose({ name }) maps a file key to a differently named property', async () => {
    @SecretsSection('twitter')
    class Twitter {
      @Expose({ name: 'consumer-key' }) @IsString() consumerKey!: string;
    }
    expect((await build(Twitter, '[twitter]\nconsumer-key = k')).consumerKey).toBe('k');
  });

  it('with @Expose({ name }) the property name itself is unknown', async () => {
    @SecretsSection('twitter')
    class Twitter {
      @Expose({ name: 'consumer-key' }) @IsString() consumerKey!: string;
    }
    expect((await problems([Twitter], '[twitter]\nconsumerKey = k')).map((p) => [p.code, p.key, p.message])).toEqual([
      ['UNKNOWN_KEY', 'consumerKey', "unknown key (did you mean 'consumer-key'?)"],
      [
        'MISSING_KEY',
        'consumer-key',
        'missing key: Twitter.consumerKey is required (mark it @IsOptional() to allow leaving it out)',
      ],
    ]);
  });

  it('properties with only class-transformer or @NotSecret metadata are keys', async () => {
    @SecretsSection('app')
    class App {
      @IsString() name!: string;
      @NotSecret() region!: string;
      @Type(() => String) tags!: string[];
      @Exclude({ toPlainOnly: true }) token!: string;
    }
    const app = await build(App, '[app]\nname = n\nregion = eu\ntags = a\ntoken = t');
    expect(ownProperties(app)).toEqual({ name: 'n', region: 'eu', tags: ['a'], token: 't' });
  });

  it('properties declared on an ancestor are keys', async () => {
    class Provider {
      @IsString() consumer_key!: string;
    }
    @SecretsSection('facebook')
    class Facebook extends Provider {
      @IsString({ each: true }) scope!: string[];
    }
    expect(ownProperties(await build(Facebook, '[facebook]\nconsumer_key = k\nscope = email'))).toEqual({
      consumer_key: 'k',
      scope: ['email'],
    });
  });

  it('an @Expose() getter is not a key', async () => {
    @SecretsSection('db')
    class Db {
      @IsString() password!: string;
      @Expose() get url(): string {
        return `postgres://app:${this.password}@db`;
      }
    }
    expect((await build(Db, '[db]\npassword = p')).url).toBe('postgres://app:p@db');
  });

  it('two properties reading the same key are INVALID_OPTION', async () => {
    @SecretsSection('twitter')
    class Twitter {
      @Expose({ name: 'key' }) @IsString() consumerKey!: string;
      @IsString() key!: string;
    }
    expect(await problems([Twitter], '[twitter]\nkey = k')).toEqual([
      {
        code: 'INVALID_OPTION',
        section: 'twitter',
        key: 'key',
        message: 'Twitter.consumerKey and Twitter.key both read this key; give one an @Expose({ name }) of its own',
      },
    ]);
  });
});

describe('@Transform', () => {
  it('receives the raw string, not our conversion', async () => {
    @SecretsSection('server')
    class Server {
      @Transform(({ value }: { value: string }) => value.split('|').map(Number))
      @IsInt({ each: true })
      ports!: number[];
    }
    expect((await build(Server, '[server]\nports = 1|2')).ports).toEqual([1, 2]);
  });

  it('sees the section as a plain object of raw strings keyed by file key', async () => {
    @SecretsSection('db')
    class Db {
      @IsString() user!: string;
      @Transform(({ obj }: { obj: Record<string, string> }) => `${obj.user}@${obj.host}`) @IsString() dsn!: string;
      @IsString() host!: string;
    }
    expect((await build(Db, '[db]\nuser = app\nhost = db.local\ndsn = x')).dsn).toBe('app@db.local');
  });

  it('a toPlainOnly transform does not apply when reading', async () => {
    @SecretsSection('server')
    class Server {
      @Transform(() => 'shown', { toPlainOnly: true }) @IsInt() port!: number;
    }
    expect((await build(Server, '[server]\nport = 80')).port).toBe(80);
  });

  it('a transform that throws is CONVERSION naming the error class only', async () => {
    @SecretsSection('app')
    class App {
      @Transform(({ value }: { value: string }) => JSON.parse(value)) @Allow() settings!: object;
    }
    expect(await problems([App], '[app]\nsettings = {oops')).toEqual([
      {
        code: 'CONVERSION',
        file: FILE,
        line: 2,
        section: 'app',
        key: 'settings',
        message: 'the @Transform of App.settings threw SyntaxError (its message is not shown: it may quote the value)',
      },
    ]);
  });
});

describe('missing design:type metadata', () => {
  it('is NO_METADATA naming the class, the property and the fix', async () => {
    // Decorators applied by hand emit no design:type, as in a build without emitDecoratorMetadata.
    class Manual {
      token!: string;
    }
    IsString()(Manual.prototype, 'token');
    SecretsSection('manual')(Manual);
    expect(await problems([Manual], '[manual]\ntoken = t')).toEqual([
      {
        code: 'NO_METADATA',
        section: 'manual',
        key: 'token',
        message:
          'Manual.token has no design:type metadata, so its type is unknown: enable "emitDecoratorMetadata" (with "experimentalDecorators") in tsconfig.json; with SWC set jsc.transform.decoratorMetadata, and with vitest on Vite 7 or older use unplugin-swc (esbuild emits no decorator metadata)',
      },
    ]);
  });

  it('is reported also when the section is absent', async () => {
    class Manual {
      token!: string;
    }
    IsString()(Manual.prototype, 'token');
    SecretsSection('manual', { optional: true })(Manual);
    expect((await problems([Manual], '[other]\nx = 1')).map((p) => p.code)).toEqual(['NO_METADATA']);
  });
});

describe('problem format', () => {
  it('names file, line, section and key', async () => {
    @SecretsSection('authomatic.facebook')
    class Facebook {
      @IsInt() timeout!: number;
    }
    await expect(buildSections([Facebook], rawSections('[authomatic.facebook]\ntimeout = soon'), FILE)).rejects.toThrow(
      "/srv/app/production-secrets.ini:2 [authomatic.facebook] timeout: not a number: Facebook.timeout expects digits with an optional leading '-' and decimal part, e.g. 8080, -3 or 0.25",
    );
  });

  it('lists problems of a section in file order', async () => {
    @SecretsSection('app')
    class App {
      @IsInt() b!: number;
      @IsInt() a!: number;
    }
    expect((await problems([App], '[app]\na = x\nb = y')).map((p) => p.key)).toEqual(['a', 'b']);
  });
});

describe('property names', () => {
  it.each(['toJSON', 'toString', 'valueOf', 'hasOwnProperty'])('refuses a DTO property named %s', async (name) => {
    class Dto {}
    IsString()(Dto.prototype, name);
    Reflect.defineMetadata('design:type', String, Dto.prototype, name);
    SecretsSection('s')(Dto);
    const error = await buildSections([Dto], rawSections(`[s]\n${name} = v`), '/x.ini').catch((e: unknown) => e);
    expect((error as SecretsError).problems[0]).toEqual({
      code: 'INVALID_OPTION',
      section: 's',
      message: `Dto.${name}: a DTO property may not be named like a member of Object (it would replace ${name} for every instance, and with it the redaction); read the key into another property with @Expose({ name: '${name}' })`,
    });
  });

  it('reads a key named toJSON into another property with @Expose', async () => {
    @SecretsSection('s')
    class Dto {
      @Expose({ name: 'toJSON' }) @IsString() json!: string;
    }
    const built = await buildSections([Dto], rawSections('[s]\ntoJSON = v'), '/x.ini');
    expect((built.get(Dto) as Dto).json).toBe('v');
    expect(JSON.stringify(built.get(Dto))).toBe('{"json":"[REDACTED]"}');
  });
});
