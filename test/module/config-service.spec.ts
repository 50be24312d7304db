import { ConfigModule, ConfigService, registerAs } from '@nestjs/config';
import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsNotEmpty, IsString } from 'class-validator';
import { renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecretsConfigModule, SecretsModule, SecretsSection, SecretsService, type SecretsChange } from '../../lib';
import { tempDir, writeFile } from '../helpers/tmp';
import { until } from '../helpers/writer-thread';

// Every read of a secrets file goes through readRegularFile: count them.
const reads = vi.hoisted(() => [] as string[]);
vi.mock('../../lib/files/read-file', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../lib/files/read-file')>();
  return {
    ...original,
    readRegularFile: (file: string, maxSize: number) => {
      reads.push(file);
      return original.readRegularFile(file, maxSize);
    },
  };
});

@SecretsSection('facebook')
class FacebookSecrets {
  @IsString() @IsNotEmpty() consumer_key!: string;
  @IsString() @IsNotEmpty() consumer_secret!: string;
}

const KEY = 'fb-key-9d3c0e7a51b2-canary';
const SECRET = 'fb-secret-4f1a8b6c2e90-canary';
const INI = `[facebook]
consumer_key = ${KEY}
consumer_secret = ${SECRET}

[authomatic.twitter]
consumer_key = tw-key-5e2b7c91d04a-canary
`;

let env: NodeJS.ProcessEnv;
beforeEach(() => {
  reads.splice(0);
  env = { ...process.env };
});
afterEach(() => {
  // Nothing here may write process.env: compare, then restore whatever did.
  const after = { ...process.env };
  process.env = env;
  expect(after).toEqual(env);
});

describe('SecretsConfigModule: ConfigService reads the loaded secrets', () => {
  it('answers ConfigService.get from the one load (the README example, run in a directory holding test-secrets.ini)', async () => {
    const directory = tempDir();
    const file = writeFile(directory, 'test-secrets.ini', INI);
    const cwd = process.cwd();
    process.chdir(directory);
    try {
      // README "Using @nestjs/config", as written (vitest sets NODE_ENV=test).
      @Module({
        imports: [
          ConfigModule.forRoot({ isGlobal: true }),
          SecretsModule.forRoot({ sections: [FacebookSecrets] }),
          SecretsConfigModule.forRoot(), // namespace 'secrets'
        ],
      })
      class AppModule {}

      const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
      const config = app.get(ConfigService);
      expect(config.get('secrets.facebook.consumer_key')).toBe(KEY);
      expect(config.get<string>('secrets.facebook.consumer_secret')).toBe(SECRET);
      expect(config.getOrThrow('secrets.facebook.consumer_key')).toBe(
        app.get(SecretsService).get('facebook.consumer_key'),
      );
      // A section name with dots is a path too.
      expect(config.get('secrets.authomatic.twitter.consumer_key')).toBe('tw-key-5e2b7c91d04a-canary');
      expect(config.get('secrets.facebook.missing')).toBeUndefined();
      expect(config.get('secrets.facebook.missing', 'default')).toBe('default');
      expect(config.get('secrets.nowhere.key')).toBeUndefined();
      expect(() => config.getOrThrow('secrets.facebook.missing')).toThrow(
        'Configuration key "secrets.facebook.missing" does not exist',
      );

      // One read of the file for SecretsModule and ConfigService together.
      expect(reads).toEqual([file]);
      await app.close();
    } finally {
      process.chdir(cwd);
    }
  });

  it('never shows a value when the namespace or a section is printed or serialised', async () => {
    const app = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true }),
        SecretsModule.forRoot({
          sections: [FacebookSecrets],
          values: { facebook: { consumer_key: KEY, consumer_secret: SECRET } },
          logger: false,
        }),
        SecretsConfigModule.forRoot(),
      ],
    }).compile();
    const config = app.get(ConfigService);
    const root = config.get<object>('secrets');
    const facebook = config.get<object>('secrets.facebook');
    const printed = [
      inspect(root),
      inspect(facebook),
      inspect({ root, facebook }, { depth: Infinity, showHidden: true }),
      JSON.stringify(root),
      JSON.stringify({ facebook }),
      String(Object.keys(facebook!)),
      JSON.stringify({ ...facebook }),
      inspect(config, { depth: Infinity, showHidden: true }),
    ].join('\n');
    expect(printed).not.toMatch(/canary/);
    expect(inspect(root)).toBe("SecretsConfig { sections: [ 'facebook' ] }");
    expect(JSON.stringify(facebook)).toBe('{"sections":["facebook"]}');
    // Read-only: an assignment does not change what is loaded.
    expect(() => ((facebook as Record<string, string>).consumer_key = 'x')).toThrow(TypeError);
    expect(config.get('secrets.facebook.consumer_key')).toBe(KEY);
    await app.close();
  });

  it('takes a namespace of your choosing, next to registerAs namespaces of your own', async () => {
    const app = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [registerAs('app', () => ({ port: 3000 }))],
        }),
        SecretsModule.forRoot({
          sections: [FacebookSecrets],
          values: { facebook: { consumer_key: KEY, consumer_secret: SECRET } },
          logger: false,
        }),
        SecretsConfigModule.forRoot({ namespace: 'vault' }),
      ],
    }).compile();
    const config = app.get(ConfigService);
    expect(config.get('vault.facebook.consumer_key')).toBe(KEY);
    expect(config.get('secrets.facebook.consumer_key')).toBeUndefined();
    expect(config.get('app.port')).toBe(3000);
    await app.close();
  });

  it('is in place for onModuleInit of a provider that injects only ConfigService', async () => {
    let seen: unknown;
    @Injectable()
    class FacebookClient implements OnModuleInit {
      constructor(private readonly config: ConfigService) {}
      onModuleInit(): void {
        seen = this.config.get('secrets.facebook.consumer_key');
      }
    }
    @Module({ providers: [FacebookClient] })
    class CrawlModule {}
    const app = await Test.createTestingModule({
      imports: [
        CrawlModule,
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
        SecretsModule.forRoot({
          sections: [FacebookSecrets],
          values: { facebook: { consumer_key: KEY, consumer_secret: SECRET } },
          logger: false,
        }),
        SecretsConfigModule.forRoot(),
      ],
    }).compile();
    await app.init();
    expect(seen).toBe(KEY);
    await app.close();
  });

  it('follows rotation: after SecretsService.changes reports an update, ConfigService answers the new value', async () => {
    const directory = tempDir();
    const file = writeFile(directory, 'production-secrets.ini', INI);
    const app = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }),
        SecretsModule.forRoot({
          sections: [FacebookSecrets],
          directory,
          environment: 'production',
          logger: false,
          watch: { debounceMs: 20 },
        }),
        SecretsConfigModule.forRoot(),
      ],
    }).compile();
    const changes: SecretsChange[] = [];
    app.get(SecretsService).changes.subscribe((change) => changes.push(change));
    const config = app.get(ConfigService);
    expect(config.get('secrets.facebook.consumer_key')).toBe(KEY);

    writeFileSync(`${file}.tmp`, INI.replace(KEY, 'fb-key-rotated-canary'), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    await until(() => changes.length === 1);
    expect(changes).toEqual([{ type: 'applied', sections: ['facebook'] }]);
    expect(config.get('secrets.facebook.consumer_key')).toBe('fb-key-rotated-canary');
    expect(reads.filter((read) => read === path.join(directory, 'production-secrets.ini'))).toHaveLength(2);
    await app.close();
  });

  it('fails at start-up without ConfigModule, or when the namespace is taken', async () => {
    const values = { facebook: { consumer_key: KEY, consumer_secret: SECRET } };
    const withoutConfig = await Test.createTestingModule({
      imports: [
        SecretsModule.forRoot({ sections: [FacebookSecrets], values, logger: false }),
        SecretsConfigModule.forRoot(),
      ],
    })
      .compile()
      .catch((e: unknown) => e as Error);
    expect((withoutConfig as Error).message).toBe(
      'SecretsConfigModule needs ConfigModule from @nestjs/config in the application: import ConfigModule.forRoot()',
    );

    const taken = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [registerAs('secrets', () => ({}))] }),
        SecretsModule.forRoot({ sections: [FacebookSecrets], values, logger: false }),
        SecretsConfigModule.forRoot(),
      ],
    })
      .compile()
      .catch((e: unknown) => e as Error);
    expect((taken as Error).message).toContain('ConfigService already has a "secrets" namespace');

    expect(() => SecretsConfigModule.forRoot({ namespace: 'a.b' })).toThrow(
      "SecretsConfigModule namespace must be a non-empty name without dots, not 'a.b'",
    );
  });
});
