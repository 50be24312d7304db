import { format, inspect } from 'node:util';
import { ClassSerializerInterceptor } from '@nestjs/common';
import { Exclude, Expose, instanceToPlain, Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString } from 'class-validator';
import { lastValueFrom, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { NotSecret, SecretsSection } from '../lib/dto/decorators';
import { REDACTED } from '../lib/dto/redact';
import { buildSections } from '../lib/dto/validate';
import { rawSections } from './helpers/raw-sections';

class ProviderSecrets {
  @NotSecret() @IsOptional() @IsString() mapper?: string;
  @IsString() consumer_key!: string;
  @IsString() consumer_secret!: string;

  get configured(): boolean {
    return Boolean(this.consumer_key) && Boolean(this.consumer_secret);
  }
}

@SecretsSection('facebook')
class FacebookSecrets extends ProviderSecrets {
  @NotSecret() @IsString({ each: true }) scope!: string[];
}

const INI = `[facebook]
consumer_key = 1234567890
consumer_secret = 3a70#4df1;836
scope = user_about_me, email
mapper = default`;

async function load<T>(dto: new () => T, ini = INI): Promise<T> {
  return (await buildSections([dto], rawSections(ini), '/srv/production-secrets.ini')).get(dto) as T;
}

describe('redacted instances', () => {
  it('util.inspect shows keys with secrets as [REDACTED] and @NotSecret values as they are', async () => {
    expect(inspect(await load(FacebookSecrets), { breakLength: Infinity })).toBe(
      "FacebookSecrets { mapper: 'default', consumer_key: '[REDACTED]', consumer_secret: '[REDACTED]', scope: [ 'user_about_me', 'email' ] }",
    );
  });

  it('console.log formatting is redacted', async () => {
    expect(format('%s | %o', 'loaded', await load(FacebookSecrets))).not.toContain('3a70');
    expect(format(await load(FacebookSecrets))).toContain("consumer_secret: '[REDACTED]'");
  });

  it('String() and template literals are redacted', async () => {
    const facebook = await load(FacebookSecrets);
    expect(String(facebook)).toBe(inspect(facebook));
    expect(`${facebook}`).toContain("consumer_secret: '[REDACTED]'");
  });

  it('JSON.stringify is redacted', async () => {
    expect(JSON.stringify(await load(FacebookSecrets))).toBe(
      '{"mapper":"default","consumer_key":"[REDACTED]","consumer_secret":"[REDACTED]","scope":["user_about_me","email"]}',
    );
  });

  it('instanceToPlain is redacted', async () => {
    expect(instanceToPlain(await load(FacebookSecrets))).toEqual({
      mapper: 'default',
      consumer_key: REDACTED,
      consumer_secret: REDACTED,
      scope: ['user_about_me', 'email'],
    });
  });

  it("Nest's ClassSerializerInterceptor output is redacted", async () => {
    const facebook = await load(FacebookSecrets);
    const interceptor = new ClassSerializerInterceptor({ getAllAndOverride: () => undefined } as never);
    const context = { getHandler: () => load, getClass: () => FacebookSecrets, getType: () => 'http' };
    const output = await lastValueFrom(await interceptor.intercept(context as never, { handle: () => of(facebook) }));
    expect(output).toEqual({
      mapper: 'default',
      consumer_key: REDACTED,
      consumer_secret: REDACTED,
      scope: ['user_about_me', 'email'],
    });
  });

  it('property access returns the real values, and getters of the DTO work', async () => {
    const facebook = await load(FacebookSecrets);
    expect([facebook.consumer_key, facebook.consumer_secret, facebook.configured]).toEqual([
      '1234567890',
      '3a70#4df1;836',
      true,
    ]);
  });

  it('is an instance of the DTO class and carries its name', async () => {
    const facebook = await load(FacebookSecrets);
    expect(facebook).toBeInstanceOf(FacebookSecrets);
    expect(facebook).toBeInstanceOf(ProviderSecrets);
    expect(facebook.constructor.name).toBe('FacebookSecrets');
  });

  it("does not patch the DTO's prototype", async () => {
    await load(FacebookSecrets);
    expect(Object.getOwnPropertyNames(FacebookSecrets.prototype)).toEqual(['constructor']);
    expect(Object.getOwnPropertySymbols(FacebookSecrets.prototype)).toEqual([]);
  });

  it('is deeply frozen, arrays included', async () => {
    const facebook = await load(FacebookSecrets);
    expect(() => {
      (facebook as { consumer_key: string }).consumer_key = 'x';
    }).toThrow(TypeError);
    expect(() => facebook.scope.push('x')).toThrow(TypeError);
  });

  it('an absent optional value shows as undefined: that it is unset is not a secret', async () => {
    @SecretsSection('smtp')
    class Smtp {
      @IsOptional() @IsString() password?: string;
    }
    expect(inspect(await load(Smtp, '[smtp]'))).toBe('Smtp { password: undefined }');
  });

  it("instanceToPlain uses the DTO's @Expose name and still redacts", async () => {
    @SecretsSection('twitter')
    class Twitter {
      @Expose({ name: 'consumer-key' }) @IsString() consumerKey!: string;
    }
    expect(instanceToPlain(await load(Twitter, '[twitter]\nconsumer-key = abcdef123'))).toEqual({
      'consumer-key': REDACTED,
    });
  });

  it("a DTO's own toPlain transform cannot reveal a secret", async () => {
    @SecretsSection('db')
    class Db {
      @Transform(({ obj }: { obj: { password: string } }) => `pw:${obj.password}`, { toPlainOnly: true })
      @IsString()
      password!: string;
    }
    expect(instanceToPlain(await load(Db, '[db]\npassword = hunter22'))).toEqual({ password: REDACTED });
  });

  it('an @Expose() getter is redacted in instanceToPlain', async () => {
    @SecretsSection('db')
    class Db {
      @IsString() password!: string;
      @Expose() get url(): string {
        return `postgres://app:${this.password}@db`;
      }
    }
    expect(instanceToPlain(await load(Db, '[db]\npassword = hunter22'))).toEqual({ password: REDACTED, url: REDACTED });
  });

  it('a @Type(() => Number) list shows [REDACTED], not NaN', async () => {
    @SecretsSection('cluster')
    class Cluster {
      @Type(() => Number) @IsInt({ each: true }) ports!: number[];
    }
    expect(instanceToPlain(await load(Cluster, '[cluster]\nports = 1, 2'))).toEqual({ ports: REDACTED });
  });

  it('a class-level @Exclude() strategy of the DTO is kept', async () => {
    @SecretsSection('app')
    @Exclude()
    class App {
      @Expose() @NotSecret() @IsString() region!: string;
      @IsString() token!: string;
    }
    expect(instanceToPlain(await load(App, '[app]\nregion = eu\ntoken = t0k3n'))).toEqual({ region: 'eu' });
  });
});

describe('a DTO transform in instanceToPlain', () => {
  it('is skipped for loaded instances, so a transform that throws on the real value cannot quote it', async () => {
    @SecretsSection('s')
    class Dto {
      @IsString() @Transform(({ value }) => JSON.parse(value as string)) token!: string;
    }
    const built = await buildSections([Dto], rawSections('[s]\ntoken = "visible-if-leaked"'), '/x.ini');
    const instance = built.get(Dto) as Dto;
    expect(instance.token).toBe('visible-if-leaked');
    expect(instanceToPlain(instance)).toEqual({ token: '[REDACTED]' });
  });

  it('still runs for instances the application makes itself', async () => {
    class Plain {
      @IsString() @Transform(({ value }) => String(value).toUpperCase()) name!: string;
    }
    @SecretsSection('t')
    class Dto extends Plain {}
    const built = await buildSections([Dto], rawSections('[t]\nname = abc'), '/x.ini');
    expect(instanceToPlain(built.get(Dto))).toEqual({ name: '[REDACTED]' });
    expect(instanceToPlain(Object.assign(new Plain(), { name: 'abc' }))).toEqual({ name: 'ABC' });
  });
});
