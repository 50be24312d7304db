import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { chmodSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SecretsModule } from '../../lib';
import { ageEncrypt, ageKeygen } from '../helpers/cli';
import { tempDir, writeFile } from '../helpers/tmp';
import { FacebookSecrets, FIXTURE_INI, RecordingLogger } from './fixtures';

async function start(options: Parameters<typeof SecretsModule.forRoot>[0]): Promise<RecordingLogger> {
  const logger = new RecordingLogger();
  @Module({ imports: [SecretsModule.forRoot({ ...options, logger })] })
  class AppModule {}
  const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
  await app.close();
  return logger;
}

describe('start-up log', () => {
  it('logs once: file and how it was chosen, environment and how, section names — never a value', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'development-secrets.ini', FIXTURE_INI);
    const logger = await start({ sections: [FacebookSecrets], directory: dir, env: { NODE_ENV: 'development' } });
    expect(logger.lines).toEqual([
      [
        'log',
        `Loaded secrets for environment "development" (chosen by NODE_ENV) from ${file} (derived from the environment name): 2 sections (facebook, database)`,
        'SecretsModule',
      ],
    ]);
  });

  it('warns outside development and test when the file is readable by group or others', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'production-secrets.ini', FIXTURE_INI);
    chmodSync(file, 0o644);
    const logger = await start({ sections: [FacebookSecrets], directory: dir, environment: 'production', env: {} });
    expect(logger.lines[1]).toEqual([
      'warn',
      `${file} is accessible by group or others (mode 0644): run chmod 600 ${file}`,
      'SecretsModule',
    ]);
  });

  it('does not warn about a 0600 file, nor in development', async () => {
    const dir = tempDir();
    writeFile(dir, 'production-secrets.ini', FIXTURE_INI, 0o600);
    chmodSync(writeFile(dir, 'development-secrets.ini', FIXTURE_INI), 0o644);
    expect(
      (await start({ sections: [FacebookSecrets], directory: dir, environment: 'production', env: {} })).lines,
    ).toHaveLength(1);
    expect((await start({ sections: [FacebookSecrets], directory: dir, env: {} })).lines).toHaveLength(1);
  });

  it.each([
    [undefined, 1],
    [true, 1],
    [false, 0],
  ])("logger: %s logs %d line through Nest's Logger", async (option, count) => {
    const recorder = new RecordingLogger();
    @Module({ imports: [SecretsModule.forRoot({ logger: option, values: {} })] })
    class AppModule {}
    await (
      await Test.createTestingModule({ imports: [AppModule] })
        .setLogger(recorder)
        .compile()
    ).close();
    expect(recorder.lines.filter(([, , context]) => context === 'SecretsModule')).toHaveLength(count);
  });
});

describe('start-up log of an encrypted file', () => {
  it('does not warn about the mode of an .age file, which is meant to be shared', async () => {
    const dir = tempDir();
    const key = ageKeygen(dir, 'key.txt');
    const file = writeFile(dir, 'production-secrets.ini.age', ageEncrypt([key.recipient], FIXTURE_INI, true), 0o644);
    const logger = await start({
      sections: [FacebookSecrets],
      directory: dir,
      environment: 'production',
      env: { SECRETS_AGE_KEY_FILE: key.file },
    });
    expect(logger.lines).toEqual([
      [
        'log',
        `Loaded secrets for environment "production" (set by the environment option) from ${file} (derived from the environment name): 2 sections (facebook, database)`,
        'SecretsModule',
      ],
    ]);
  });
});
