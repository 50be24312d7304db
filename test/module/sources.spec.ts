/** SecretsModule.forRoot({ sources }): merged values injected, and a start-up line naming every source. */
import { Injectable, type LoggerService, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envOverrides, iniFile, secretsDirectory, SecretsModule, SecretsService } from '../../lib';
import { atomicWrite, dockerSecrets } from '../helpers/atomic-writer';
import { tempDir, writeFile } from '../helpers/tmp';
import { DatabaseSecrets, FacebookSecrets, FIXTURE_INI } from './fixtures';

class RecordingLogger implements LoggerService {
  readonly lines: Array<[string, string]> = [];
  log(message: string): void {
    this.lines.push(['log', message]);
  }
  warn(message: string): void {
    this.lines.push(['warn', message]);
  }
  error(message: string): void {
    this.lines.push(['error', message]);
  }
}

@Injectable()
class Consumer {
  constructor(
    readonly database: DatabaseSecrets,
    readonly facebook: FacebookSecrets,
    readonly secrets: SecretsService,
  ) {}
}

describe('SecretsModule.forRoot({ sources })', () => {
  it('injects the merged values (INI < volume < variables) and logs every source, never a value', async () => {
    const dir = tempDir();
    const ini = writeFile(dir, 'production-secrets.ini', FIXTURE_INI);
    const volume = path.join(dir, 'volume');
    mkdirSync(volume);
    atomicWrite(volume, { 'database.password': 'volume-db-password\n' }, 0o600);
    const logger = new RecordingLogger();
    @Module({
      imports: [
        SecretsModule.forRoot({
          sections: [DatabaseSecrets, FacebookSecrets],
          directory: dir,
          environment: 'production',
          env: { SECRETS__FACEBOOK__CONSUMER_SECRET: 'env-fb-secret' },
          sources: [iniFile(), secretsDirectory(volume), envOverrides({ prefix: 'SECRETS__' })],
          logger,
        }),
      ],
      providers: [Consumer],
    })
    class AppModule {}
    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const consumer = app.get(Consumer);
    expect(consumer.database.password).toBe('volume-db-password');
    expect(consumer.database.port).toBe(5432);
    expect(consumer.facebook.consumer_secret).toBe('env-fb-secret');
    expect(consumer.facebook.consumer_key).toBe('fb-key');
    await app.close();
    expect(logger.lines).toEqual([
      [
        'log',
        `Loaded secrets for environment "production" (set by the environment option) from ${ini}, ${volume} (directory), SECRETS__* (variables): 2 sections (facebook, database)`,
      ],
    ]);
  });

  it('logs a secrets directory’s warnings (a Docker secret readable by others, outside development)', async () => {
    const dir = tempDir();
    const run = path.join(dir, 'run-secrets');
    dockerSecrets(run, { 'database.password': 'docker-db-password', 'database.port': '5432' });
    const logger = new RecordingLogger();
    @Module({
      imports: [
        SecretsModule.forRoot({
          sections: [DatabaseSecrets],
          environment: 'production',
          env: {},
          sources: [secretsDirectory(run)],
          logger,
        }),
      ],
    })
    class AppModule {}
    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    expect(app.get(SecretsService).get('database.password')).toBe('docker-db-password');
    await app.close();
    expect(logger.lines[0]).toEqual([
      'log',
      `Loaded secrets for environment "production" (set by the environment option) from ${run} (directory): 1 section (database)`,
    ]);
    expect(logger.lines.slice(1).map(([level]) => level)).toEqual(['warn']);
    expect(logger.lines[1][1]).toContain(run);
    expect(JSON.stringify(logger.lines)).not.toContain('docker-db-password');
  });
});
