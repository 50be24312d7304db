import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { IsString, Matches } from 'class-validator';
import { renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretsError, SecretsModule, SecretsSection, SecretsService, type SecretsChange } from '../../lib';
import { atomicWrite } from '../helpers/atomic-writer';
import { exitsWithin } from '../helpers/process';
import { tempDir } from '../helpers/tmp';
import { until, writerThread } from '../helpers/writer-thread';
import { RecordingLogger } from './fixtures';

@SecretsSection('db')
class DbSecrets {
  @IsString() @Matches(/^db-user-\d+$/) user!: string;
  @IsString() @Matches(/^db-password-\d+-canary$/) password!: string;
}

@SecretsSection('api')
class ApiSecrets {
  @IsString() @Matches(/^api-token-\d+-canary$/) token!: string;
}

/** The secrets file with the db section at version `db` and the api section at `api`. */
function ini(db: number, api = db): string {
  return `[db]\nuser = db-user-${db}\npassword = db-password-${db}-canary\n[api]\ntoken = api-token-${api}-canary\n`;
}

/** Replaces `file` as editors and Vault Agent do: a temp file renamed over it. */
function replace(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

@Injectable()
class DbClient {
  constructor(
    readonly db: DbSecrets,
    readonly secrets: SecretsService,
  ) {}
}

let app: TestingModule | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function boot(options: Parameters<typeof SecretsModule.forRoot>[0]) {
  const logger = new RecordingLogger();
  @Module({
    imports: [
      SecretsModule.forRoot({
        sections: [DbSecrets, ApiSecrets],
        environment: 'production',
        env: {},
        logger,
        ...options,
      }),
    ],
    providers: [DbClient],
  })
  class AppModule {}
  app = await Test.createTestingModule({ imports: [AppModule] }).compile();
  await app.init();
  const secrets = app.get(SecretsService);
  const changes: SecretsChange[] = [];
  let completed = false;
  secrets.changes.subscribe({ next: (change) => changes.push(change), complete: () => (completed = true) });
  return { app, secrets, logger, changes, completed: () => completed };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SecretsModule watch', () => {
  it('applies an update: section() and get() answer from it, changes names the changed sections, injected DTOs stay the snapshot', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'production-secrets.ini');
    writeFileSync(file, ini(1), { mode: 0o600 });
    const { app, secrets, logger, changes } = await boot({ directory: dir, watch: { debounceMs: 20 } });

    replace(file, ini(2, 1));
    await until(() => changes.length === 1);

    expect(changes).toEqual([{ type: 'applied', sections: ['db'] }]);
    expect(secrets.section(DbSecrets)).toMatchObject({ user: 'db-user-2' });
    expect(secrets.section(DbSecrets)!.password).toBe('db-password-2-canary');
    expect(secrets.get('db.user')).toBe('db-user-2');
    expect(secrets.mask('pw=db-password-2-canary')).toBe('pw=[REDACTED]');
    // Constructor injection happened once, at start-up.
    expect(app.get(DbClient).db.user).toBe('db-user-1');
    expect(app.get(DbSecrets).user).toBe('db-user-1');
    expect(logger.lines).toEqual([
      [
        'log',
        `Loaded secrets for environment "production" (set by the environment option) from ${file} (derived from the environment name): 2 sections (db, api)`,
        'SecretsModule',
      ],
      ['log', `Reloaded secrets from ${file}: 1 section changed (db)`, 'SecretsModule'],
    ]);

    // The same values again (a touch, a rewrite): nothing is emitted or logged.
    replace(file, ini(2, 1));
    await sleep(200);
    expect(changes).toHaveLength(1);
    expect(logger.lines).toHaveLength(2);
  });

  it('keeps the last good secrets when an update fails, reports it once without a value, then applies the next good one', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'production-secrets.ini');
    writeFileSync(file, ini(1), { mode: 0o600 });
    const { secrets, logger, changes } = await boot({ directory: dir, watch: { debounceMs: 20 } });

    replace(file, '[db]\nuser = db-user-2\npassword = not-a-password-canary\n[api]\ntoken = api-token-2-canary\n');
    await until(() => changes.length === 1);
    const failed = changes[0];
    expect(failed.type).toBe('failed');
    const error = (failed as Extract<SecretsChange, { type: 'failed' }>).error;
    expect(error).toBeInstanceOf(SecretsError);
    expect(error.codes).toEqual(['VALIDATION']);
    expect(error.message).toBe(`${file}:3 [db] password: failed matches`);
    expect(secrets.section(DbSecrets)).toMatchObject({ user: 'db-user-1', password: 'db-password-1-canary' });
    expect(secrets.get('db.user')).toBe('db-user-1');
    expect(logger.lines.slice(1)).toEqual([
      ['error', `Secrets not reloaded, keeping the last good ones: ${error.message}`, 'SecretsModule'],
    ]);

    replace(file, '[db\n');
    await until(() => changes.length === 2);
    expect(changes[1].type === 'failed' && changes[1].error.codes).toEqual(['SYNTAX']);

    replace(file, ini(3));
    await until(() => changes.length === 3);
    expect(changes[2]).toEqual({ type: 'applied', sections: ['db', 'api'] });
    expect(secrets.section(ApiSecrets)!.token).toBe('api-token-3-canary');
    expect(logger.lines.slice(3)).toEqual([
      ['log', `Reloaded secrets from ${file}: 2 sections changed (db, api)`, 'SecretsModule'],
    ]);
    expect(logger.lines).toHaveLength(4);
    for (const [, message] of logger.lines) expect(message).not.toMatch(/canary|db-user-\d/);
  });

  it('1,000 kubelet swaps while section() is read continuously: never a mixed or invalid result, and the last one wins', async () => {
    const volume = tempDir();
    const payload = (version: number) => ({
      'production-secrets.ini': `[db]\nuser = db-user-${version}\npassword = db-password-${version}-canary\n[api]\ntoken = api-token-${version}-canary\n`,
    });
    atomicWrite(volume, payload(0), 0o400);
    const { secrets, changes } = await boot({
      file: path.join(volume, 'production-secrets.ini'),
      watch: { debounceMs: 1 },
    });
    const version = (value: string) => Number(/-(\d+)(-canary)?$/.exec(value)![1]);

    let done = false;
    // A 2 ms pause after each swap outlasts the 1 ms debounce, so reloads run
    // during the burst whatever the machine's load (else they could all wait
    // for its end, and the reads would not overlap the swaps).
    const writer = writerThread(volume, payload, 1, 1000, 2).then(() => (done = true));
    const seen: number[] = [];
    let reads = 0;
    while (!done || seen.at(-1) !== 1000) {
      const db = secrets.section(DbSecrets)!;
      const api = secrets.section(ApiSecrets)!;
      const versions = new Set([
        version(db.user),
        version(db.password),
        version(api.token),
        version(secrets.get('api.token')!),
      ]);
      if (versions.size !== 1) throw new Error(`mixed read: versions ${[...versions].join(', ')}`);
      const [now] = versions;
      if (now !== seen.at(-1)) seen.push(now);
      reads++;
      await tick();
      if (done && reads % 100 === 0) await sleep(5);
    }
    await writer;
    // Monotonic: never an older version after a newer one.
    expect(seen.every((v, i) => i === 0 || v > seen[i - 1])).toBe(true);
    expect(seen.at(-1)).toBe(1000);
    // The reads overlapped the swaps: several versions were applied while reading.
    expect(seen.length).toBeGreaterThan(5);
    expect(changes.filter((c) => c.type === 'applied').length).toBe(seen.length - 1);
    // A reload that raced a swap may fail to find the old directory; it is reported, never applied.
    for (const change of changes) if (change.type === 'failed') expect(change.error.codes).toEqual(['FILE_NOT_FOUND']);
  }, 120_000);

  it('app.close() closes the watcher and completes changes: later updates are not read', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'production-secrets.ini');
    writeFileSync(file, ini(1), { mode: 0o600 });
    const started = await boot({ directory: dir, watch: { debounceMs: 10 } });
    await app!.close();
    app = undefined;
    expect(started.completed()).toBe(true);
    replace(file, ini(2));
    await sleep(200);
    expect(started.changes).toEqual([]);
    expect(started.logger.lines).toHaveLength(1);
    expect(started.secrets.get('db.user')).toBe('db-user-1');
  });

  it("reloads validate forFeature sections too: a feature's invalid update is refused, its valid one applied", async () => {
    const dir = tempDir();
    const file = path.join(dir, 'production-secrets.ini');
    writeFileSync(file, ini(1), { mode: 0o600 });
    @Module({ imports: [SecretsModule.forFeature([ApiSecrets])] })
    class FeatureModule {}
    @Module({
      imports: [
        SecretsModule.forRoot({
          sections: [DbSecrets],
          environment: 'production',
          env: {},
          logger: false,
          directory: dir,
          watch: { debounceMs: 20 },
        }),
        FeatureModule,
      ],
    })
    class AppModule {}
    app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const secrets = app.get(SecretsService);
    const changes: SecretsChange[] = [];
    secrets.changes.subscribe((change) => changes.push(change));
    replace(file, '[db]\nuser = db-user-2\npassword = db-password-2-canary\n[api]\ntoken = nope\n');
    await until(() => changes.length === 1);
    expect(changes[0].type === 'failed' && changes[0].error.codes).toEqual(['VALIDATION']);
    expect(secrets.get('db.user')).toBe('db-user-1');
    replace(file, ini(2));
    await until(() => changes.length === 2);
    expect(changes[1]).toEqual({ type: 'applied', sections: ['db', 'api'] });
    expect(secrets.section(ApiSecrets)!.token).toBe('api-token-2-canary');
    expect(secrets.section(DbSecrets)!.user).toBe('db-user-2');
  });

  it('forRootAsync: watch may come from the factory', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'production-secrets.ini');
    writeFileSync(file, ini(1), { mode: 0o600 });
    @Module({
      imports: [
        SecretsModule.forRootAsync({
          sections: [DbSecrets, ApiSecrets],
          useFactory: () => ({
            directory: dir,
            environment: 'production',
            env: {},
            logger: false,
            watch: { pollIntervalMs: 20, debounceMs: 10 },
          }),
        }),
      ],
    })
    class AppModule {}
    app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const secrets = app.get(SecretsService);
    const changes: SecretsChange[] = [];
    let completed = false;
    secrets.changes.subscribe({ next: (change) => changes.push(change), complete: () => (completed = true) });
    replace(file, ini(1, 2));
    await until(() => changes.length === 1);
    expect(changes).toEqual([{ type: 'applied', sections: ['api'] }]);
    expect(secrets.section(ApiSecrets)!.token).toBe('api-token-2-canary');
    // Closed without init(): the watcher is closed all the same.
    await app.close();
    app = undefined;
    expect(completed).toBe(true);
  });

  it('rejects a watch option that is neither a boolean nor watch options (INVALID_OPTION)', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'production-secrets.ini'), ini(1), { mode: 0o600 });
    const refused = async (watch: unknown) => {
      try {
        await boot({ directory: dir, watch: watch as boolean });
        return undefined;
      } catch (error) {
        return error as SecretsError;
      }
    };
    expect((await refused('yes'))?.message).toBe(
      'watch must be true, false or an object of watch options ({ debounceMs, pollIntervalMs })',
    );
    const several = await refused({ debounceMs: -1, pollIntervalMs: 0, every: 5 });
    expect(several?.codes).toEqual(['INVALID_OPTION', 'INVALID_OPTION', 'INVALID_OPTION']);
    expect(several?.message).toBe(
      'watch: unknown option "every"\n' +
        'watch.debounceMs must be a number of milliseconds, 0 or more\n' +
        'watch.pollIntervalMs must be a number of milliseconds, 1 or more',
    );
  });

  it('without watch, changes emits nothing and completes on close', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'production-secrets.ini');
    writeFileSync(file, ini(1), { mode: 0o600 });
    const started = await boot({ directory: dir });
    replace(file, ini(2));
    await sleep(150);
    expect(started.changes).toEqual([]);
    expect(started.secrets.get('db.user')).toBe('db-user-1');
    await app!.close();
    app = undefined;
    expect(started.completed()).toBe(true);
  });
});

describe('SecretsModule watch and the process', () => {
  it('a process whose app (built package, watching by events and by polling) was closed exits on its own', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'production-secrets.ini');
    writeFileSync(file, ini(1), { mode: 0o600 });
    const script = `
      require('reflect-metadata');
      const { Module } = require('@nestjs/common');
      const { NestFactory } = require('@nestjs/core');
      const { renameSync, writeFileSync } = require('node:fs');
      const { SecretsModule, SecretsService } = require(${JSON.stringify(path.resolve('dist/index.js'))});
      (async () => {
        for (const watch of [{ debounceMs: 10 }, { debounceMs: 10, pollIntervalMs: 20 }]) {
          class AppModule {}
          Module({ imports: [SecretsModule.forRoot({ directory: ${JSON.stringify(dir)}, environment: 'production', env: {}, logger: false, watch })] })(AppModule);
          const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
          const secrets = app.get(SecretsService);
          // The watcher does not keep a process alive (a server does): this timer stands in for one.
          const server = setInterval(() => {}, 1000);
          const applied = new Promise((resolve) => secrets.changes.subscribe(resolve));
          writeFileSync(${JSON.stringify(file)} + '.tmp', '[db]\\nuser = db-user-' + (watch.pollIntervalMs ? 3 : 2) + '\\n');
          renameSync(${JSON.stringify(file)} + '.tmp', ${JSON.stringify(file)});
          process.stdout.write((await applied).type + ';');
          clearInterval(server);
          await app.close();
        }
        process.stdout.write('closed;');
      })();
    `;
    const result = await exitsWithin(15_000, script);
    expect(result).toEqual({ code: 0, stdout: 'applied;applied;closed;', timedOut: false });
  });
});
