import { Injectable, Module } from '@nestjs/common';
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
});
