import type { LoggerService } from '@nestjs/common';
import { IsString, Matches } from 'class-validator';
import { renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretsError, SecretsLogger, SecretsSection, watchSecrets, type SecretsChange } from '../lib';
import type { RawSections } from '../lib/model';
import { changedSections } from '../lib/watch-secrets';
import { tempDir } from './helpers/tmp';
import { until } from './helpers/writer-thread';

@SecretsSection('db')
class DbSecrets {
  @IsString() @Matches(/^db-password-\d+-canary$/) password!: string;
}

function replace(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function secretsFile(text: string): string {
  const file = path.join(tempDir(), 'production-secrets.ini');
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

describe('watchSecrets', () => {
  it('loads, then swaps current for each update that validates, keeping the last good one otherwise', async () => {
    const file = secretsFile('[db]\npassword = db-password-1-canary\n[cache]\nurl = redis://one\n');
    const called: SecretsChange[] = [];
    const watched = await watchSecrets({ sections: [DbSecrets], file, env: {}, watch: { debounceMs: 20 } }, (change) =>
      called.push(change),
    );
    const emitted: SecretsChange[] = [];
    let completed = false;
    watched.changes.subscribe({ next: (change) => emitted.push(change), complete: () => (completed = true) });
    const first = watched.current;
    expect(first.section(DbSecrets)!.password).toBe('db-password-1-canary');

    replace(file, '[db]\npassword = wrong-canary\n[cache]\nurl = redis://one\n');
    await until(() => emitted.length === 1);
    expect(emitted[0].type).toBe('failed');
    expect(emitted[0].type === 'failed' && emitted[0].error).toBeInstanceOf(SecretsError);
    expect(emitted[0].type === 'failed' && emitted[0].error.message).toBe(`${file}:2 [db] password: failed matches`);
    expect(watched.current).toBe(first);

    replace(file, '[db]\npassword = db-password-2-canary\n[cache]\nurl = redis://one\n');
    await until(() => emitted.length === 2);
    expect(emitted[1]).toEqual({ type: 'applied', sections: ['db'] });
    expect(watched.current.section(DbSecrets)!.password).toBe('db-password-2-canary');
    expect(watched.mask('db-password-2-canary')).toBe('[REDACTED]');
    // The value rotated out is still held by what was injected at start-up: it stays masked.
    expect(watched.mask('old db-password-1-canary, new db-password-2-canary')).toBe('old [REDACTED], new [REDACTED]');
    expect(first.mask('db-password-2-canary')).toBe('db-password-2-canary');
    // What was handed out before is left as it was: a snapshot.
    expect(first.section(DbSecrets)!.password).toBe('db-password-1-canary');
    expect(called).toEqual(emitted);

    watched.close();
    watched.close();
    expect(completed).toBe(true);
    replace(file, '[db]\npassword = db-password-3-canary\n');
    await sleep(150);
    expect(emitted).toHaveLength(2);
    expect(watched.current.section(DbSecrets)!.password).toBe('db-password-2-canary');
  });

  it('throws as loadSecrets when the first load fails, and INVALID_OPTION for a bad watch option', async () => {
    const file = secretsFile('[db]\npassword = short\n');
    await expect(watchSecrets({ sections: [DbSecrets], file, env: {} })).rejects.toThrow(
      `${file}:2 [db] password: password must match /^db-password-\\d+-canary$/ regular expression`,
    );
    await expect(watchSecrets({ file, env: {}, watch: 5 as unknown as { debounceMs: number } })).rejects.toMatchObject({
      codes: ['INVALID_OPTION'],
    });
    await expect(watchSecrets({ file, env: {}, watch: false as unknown as object })).rejects.toThrow(
      'watch: watchSecrets always watches; use loadSecrets to load once',
    );
  });

  it('a SecretsLogger around it masks the new values, also in a context it had already seen', async () => {
    const file = secretsFile('[db]\npassword = db-password-1-canary\n');
    const watched = await watchSecrets({ sections: [DbSecrets], file, env: {}, watch: { debounceMs: 20 } });
    const lines: unknown[][] = [];
    const inner: LoggerService = {
      log: (...args: unknown[]) => void lines.push(args),
      error: () => {},
      warn: () => {},
    };
    const logger = new SecretsLogger(watched, inner);
    logger.log('before', 'db-password-2-canary');
    let changes = 0;
    watched.changes.subscribe(() => changes++);
    replace(file, '[db]\npassword = db-password-2-canary\n');
    await until(() => changes === 1);
    logger.log('after', 'db-password-2-canary');
    expect(lines).toEqual([
      ['before', 'db-password-2-canary'],
      ['after', '[REDACTED]'],
    ]);
    watched.close();
  });
});

describe('changedSections', () => {
  const sections = (spec: Record<string, Record<string, string>>): RawSections =>
    new Map(
      Object.entries(spec).map(([name, keys]) => [
        name,
        { name, values: new Map(Object.entries(keys).map(([k, value]) => [k, { value }])) },
      ]),
    );

  it('names edited, added and removed sections (new order, then removed), never a value', () => {
    const before = sections({ a: { k: '1' }, b: { k: '1' }, c: { k: '1', l: '2' }, gone: { k: '1' } });
    const after = sections({ new: { k: '1' }, c: { k: '1' }, b: { k: '2' }, a: { k: '1' } });
    expect(changedSections(before, after)).toEqual(['new', 'c', 'b', 'gone']);
    expect(changedSections(before, before)).toEqual([]);
  });
});
