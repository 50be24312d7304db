/**
 * reveal(): the deliberate way to hand a whole section on, now that a spread
 * of a loaded instance carries no secret.
 */
import { Inject, Module, type DynamicModule } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsInt, IsOptional, IsString } from 'class-validator';
import { describe, expect, it } from 'vitest';
import {
  loadSecrets,
  NotSecret,
  OAuth2ProviderSecrets,
  reveal,
  SecretsModule,
  SecretsSection,
  type Revealed,
} from '../lib';

const PASSWORD = 'CANARY-db-password-c81f4a07';
const USERNAME = 'CANARY-db-user-2d9e';

@SecretsSection('database')
class DatabaseSecrets {
  @NotSecret() @IsString() host!: string;
  @NotSecret() @IsInt() port!: number;
  @IsString() username!: string;
  @IsString() password!: string;
}

const VALUES = { database: { host: 'db.internal', port: '5432', username: USERNAME, password: PASSWORD } };

async function loadDatabase(): Promise<DatabaseSecrets> {
  return (await loadSecrets({ sections: [DatabaseSecrets], values: VALUES, env: {} })).section(DatabaseSecrets)!;
}

const ERROR_START =
  'reveal() takes a section instance (injected, from Secrets.section(), or new of a @SecretsSection class); got';

describe('reveal() of a loaded instance', () => {
  it('is a new plain object with every declared property and its real value, in declaration order', async () => {
    const db = await loadDatabase();
    const revealed = reveal(db);
    expect(revealed).toStrictEqual({ host: 'db.internal', port: 5432, username: USERNAME, password: PASSWORD });
    expect(Object.keys(revealed)).toEqual(['host', 'port', 'username', 'password']);
    expect(Object.getPrototypeOf(revealed)).toBe(Object.prototype);
    expect(revealed).not.toBe(reveal(db));
  });

  it('is not frozen: a library may add to what it was given', async () => {
    const revealed: Record<string, unknown> = reveal(await loadDatabase());
    revealed.ssl = true;
    expect(revealed.ssl).toBe(true);
  });

  it('carries the real values through a spread, where the instance itself carries none', async () => {
    const db = await loadDatabase();
    expect({ type: 'postgres', ...reveal(db) }).toStrictEqual({
      type: 'postgres',
      host: 'db.internal',
      port: 5432,
      username: USERNAME,
      password: PASSWORD,
    });
    expect({ type: 'postgres', ...db }).toStrictEqual({ type: 'postgres', host: 'db.internal', port: 5432 });
  });

  it('includes undefined properties, and inherited ones base class first; getters are not included', async () => {
    @SecretsSection('facebook')
    class FacebookSecrets extends OAuth2ProviderSecrets {}
    const secrets = await loadSecrets({
      sections: [FacebookSecrets],
      values: { facebook: { consumer_key: 'CANARY-fb-key-0a6b', consumer_secret: 'CANARY-fb-secret-e39d' } },
      env: {},
    });
    expect(reveal(secrets.section(FacebookSecrets)!)).toStrictEqual({
      class: undefined,
      consumer_key: 'CANARY-fb-key-0a6b',
      consumer_secret: 'CANARY-fb-secret-e39d',
      mapper: undefined,
      callback_url: undefined,
      scope: undefined,
    });
  });

  it("is not affected by the DTO's own toJSON, getters or methods", async () => {
    @SecretsSection('api')
    class Api {
      @IsString() token!: string;
      @IsOptional() @IsString() region?: string;
      toJSON(): object {
        return { token: 'from toJSON' };
      }
      get url(): string {
        return `https://api/${this.token}`;
      }
    }
    const api = (
      await loadSecrets({ sections: [Api], values: { api: { token: 'CANARY-api-91fe' } }, env: {} })
    ).section(Api)!;
    expect(reveal(api)).toStrictEqual({ token: 'CANARY-api-91fe', region: undefined });
  });

  it('keeps the values themselves: a list is the same frozen array', async () => {
    @SecretsSection('cluster')
    class Cluster {
      @IsString({ each: true }) hosts!: string[];
    }
    const cluster = (
      await loadSecrets({ sections: [Cluster], values: { cluster: { hosts: 'a, b' } }, env: {} })
    ).section(Cluster)!;
    const revealed = reveal(cluster);
    expect(revealed.hosts).toBe(cluster.hosts);
    expect(Object.isFrozen(revealed.hosts)).toBe(true);
  });

  it('is typed as the DTO without its methods, writable', async () => {
    const revealed: Revealed<DatabaseSecrets> = reveal(await loadDatabase());
    revealed.port = 6543;
    const port: number = revealed.port;
    expect(port).toBe(6543);
  });
});

describe('reveal() of an instance the application made itself', () => {
  it('reads the declared properties of a @SecretsSection class instance as they are (overrideProvider in tests)', () => {
    const db = Object.assign(new DatabaseSecrets(), { host: 'localhost', port: 5432, password: 'test', extra: 1 });
    expect(reveal(db)).toStrictEqual({ host: 'localhost', port: 5432, username: undefined, password: 'test' });
  });
});

describe('reveal() of anything else throws a TypeError that names the kind, never a value', () => {
  class Plain {
    password = 'CANARY-plain-77c0';
  }

  it.each([
    ['null', null, 'null (an absent optional section is injected as null)'],
    ['undefined', undefined, 'a value of type undefined'],
    ['a string', 'CANARY-string-5a1d', 'a value of type string'],
    ['a class', DatabaseSecrets, 'a function (pass the section instance, not its class)'],
    ['an array', ['CANARY-array-0b3c'], 'an array'],
    [
      'a plain object',
      { password: 'CANARY-object-19af' },
      'a plain object (a copy such as { ...dto } is not a section instance)',
    ],
    [
      'a null-prototype object',
      Object.create(null) as object,
      'a plain object (a copy such as { ...dto } is not a section instance)',
    ],
    ['an undecorated class instance', new Plain(), 'an instance of Plain, which has no @SecretsSection'],
  ])('%s', (_name, value, kind) => {
    expect(() => reveal(value as object)).toThrow(new TypeError(`${ERROR_START} ${kind}`));
    try {
      reveal(value as object);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('CANARY');
    }
  });

  it('a spread copy of a loaded instance', async () => {
    const copy = { ...(await loadDatabase()) };
    expect(() => reveal(copy)).toThrow(
      new TypeError(`${ERROR_START} a plain object (a copy such as { ...dto } is not a section instance)`),
    );
  });

  it('an object made from a loaded instance as its prototype', async () => {
    const child = Object.create(await loadDatabase()) as object;
    expect(() => reveal(child)).toThrow(
      new TypeError(`${ERROR_START} an instance of DatabaseSecrets, which has no @SecretsSection`),
    );
  });

  it('a Proxy whose traps throw', () => {
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error('CANARY-trap-3e7a');
        },
      },
    );
    expect(() => reveal(hostile)).toThrow(new TypeError(`${ERROR_START} an object that is not a section instance`));
  });
});

/**
 * The README's TypeORM example, with a stand-in for TypeOrmModule: a module
 * whose forRootAsync provides what its useFactory returns.
 */
const ORM_OPTIONS = 'ORM_OPTIONS';

@Module({})
class FakeOrmModule {
  static forRootAsync(options: {
    inject: Array<abstract new (...args: never[]) => unknown>;
    useFactory: (...args: never[]) => object;
  }): DynamicModule {
    return {
      module: FakeOrmModule,
      providers: [{ provide: ORM_OPTIONS, inject: options.inject, useFactory: options.useFactory }],
      exports: [ORM_OPTIONS],
    };
  }
}

describe('README: handing a section to TypeOrmModule.forRootAsync', () => {
  it('the factory receives every value through reveal()', async () => {
    class Repository {
      constructor(@Inject(ORM_OPTIONS) readonly options: object) {}
    }
    @Module({
      imports: [
        SecretsModule.forRoot({ sections: [DatabaseSecrets], values: VALUES, env: {}, logger: false }),
        FakeOrmModule.forRootAsync({
          inject: [DatabaseSecrets],
          useFactory: (db: DatabaseSecrets) => ({ type: 'postgres', ...reveal(db) }),
        }),
      ],
      providers: [Repository],
    })
    class AppModule {}
    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    try {
      expect(app.get(Repository).options).toStrictEqual({
        type: 'postgres',
        host: 'db.internal',
        port: 5432,
        username: USERNAME,
        password: PASSWORD,
      });
    } finally {
      await app.close();
    }
  });
});
