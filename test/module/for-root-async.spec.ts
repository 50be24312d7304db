import { Injectable, Module } from '@nestjs/common';
import { SecretsError, type SecretsModuleDynamicOptions, type SecretsOptionsFactory } from '../../lib';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { SecretsModule, SecretsService } from '../../lib';
import { tempDir, writeFile } from '../helpers/tmp';
import { FacebookSecrets, FIXTURE_INI } from './fixtures';

@Injectable()
class PathsService {
  constructor(readonly secretsDirectory: string) {}
}

describe('SecretsModule.forRootAsync', () => {
  it('resolves the other options through DI', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'staging-secrets.ini', FIXTURE_INI);
    @Module({ providers: [{ provide: PathsService, useValue: new PathsService(dir) }], exports: [PathsService] })
    class PathsModule {}
    @Module({
      imports: [
        SecretsModule.forRootAsync({
          sections: [FacebookSecrets],
          imports: [PathsModule],
          inject: [PathsService],
          useFactory: async (paths: PathsService) => ({
            directory: paths.secretsDirectory,
            environment: 'staging',
            env: {},
            logger: false,
          }),
        }),
      ],
    })
    class AppModule {}
    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    expect(app.get(FacebookSecrets).consumer_key).toBe('fb-key');
    expect(app.get(SecretsService).file).toBe(file);
    await app.close();
  });

  it('useClass: a SecretsOptionsFactory made for the module, with its own dependencies from extraProviders', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'staging-secrets.ini', FIXTURE_INI);
    @Injectable()
    class SecretsConfig implements SecretsOptionsFactory {
      constructor(private readonly paths: PathsService) {}
      createSecretsOptions(): SecretsModuleDynamicOptions {
        return { directory: this.paths.secretsDirectory, environment: 'staging', env: {}, logger: false };
      }
    }
    @Module({
      imports: [
        SecretsModule.forRootAsync({
          sections: [FacebookSecrets],
          useClass: SecretsConfig,
          extraProviders: [{ provide: PathsService, useValue: new PathsService(dir) }],
        }),
      ],
    })
    class AppModule {}
    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    expect(app.get(FacebookSecrets).consumer_key).toBe('fb-key');
    expect(app.get(SecretsService).file).toBe(file);
    await app.close();
  });

  it('useExisting: a SecretsOptionsFactory provider that an imported module exports', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'staging-secrets.ini', FIXTURE_INI);
    @Injectable()
    class SharedConfig implements SecretsOptionsFactory {
      async createSecretsOptions(): Promise<SecretsModuleDynamicOptions> {
        return { directory: dir, environment: 'staging', env: {}, logger: false };
      }
    }
    @Module({ providers: [SharedConfig], exports: [SharedConfig] })
    class ConfigHomeModule {}
    @Module({
      imports: [
        SecretsModule.forRootAsync({
          sections: [FacebookSecrets],
          imports: [ConfigHomeModule],
          useExisting: SharedConfig,
        }),
      ],
    })
    class AppModule {}
    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    expect(app.get(SecretsService).file).toBe(file);
    await app.close();
  });

  it('useFactory with an optional inject token that is not provided gets undefined', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'development-secrets.ini', FIXTURE_INI);
    @Module({
      imports: [
        SecretsModule.forRootAsync({
          sections: [FacebookSecrets],
          inject: [{ token: 'SECRETS_ENVIRONMENT', optional: true }],
          useFactory: (environment: string | undefined) => ({
            directory: dir,
            environment: environment ?? 'development',
            env: {},
            logger: false,
          }),
        }),
      ],
    })
    class AppModule {}
    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    expect(app.get(SecretsService).file).toBe(file);
    await app.close();
  });

  it.each([
    [{}, 'none'],
    [{ useFactory: () => ({}), useClass: PathsService }, 'useFactory and useClass'],
  ])('takes exactly one way to make the options: %#', (ways, got) => {
    expect(() => SecretsModule.forRootAsync({ sections: [FacebookSecrets], ...(ways as object) })).toThrow(
      new SecretsError([
        {
          code: 'INVALID_OPTION',
          message: `SecretsModule.forRootAsync() takes exactly one of useFactory, useClass and useExisting; got ${got}`,
        },
      ]),
    );
  });
});
