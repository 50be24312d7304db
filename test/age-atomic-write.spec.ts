import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanLeftovers, TEMP_PREFIX, writeFileAtomic } from '../lib/files/atomic-write';
import { tempDir } from './helpers/cli';

describe('writeFileAtomic', () => {
  it('replaces the file with the exact mode and leaves no temp file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'x.age');
    writeFileSync(file, 'old');
    await writeFileAtomic(file, 'new', { mode: 0o640 });
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['x.age']);
  });

  it('exclusive: refuses an existing target with EEXIST and cleans up', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'key.txt');
    writeFileSync(file, 'keep');
    await expect(writeFileAtomic(file, 'other', { mode: 0o600, exclusive: true })).rejects.toMatchObject({
      code: 'EEXIST',
    });
    expect(readFileSync(file, 'utf8')).toBe('keep');
    expect(readdirSync(dir)).toEqual(['key.txt']);
  });
});

describe('cleanLeftovers', () => {
  it("removes temp files of dead processes, keeps live ones' and other files", async () => {
    const dir = tempDir();
    const dead = `${TEMP_PREFIX}999999999-abcdef012345-x.age`;
    const live = `${TEMP_PREFIX}${process.ppid}-abcdef012345-x.age`;
    for (const name of [dead, live, 'x.age', '.age-recipients']) writeFileSync(path.join(dir, name), '');
    expect(await cleanLeftovers(dir)).toEqual([dead]);
    expect(readdirSync(dir).sort()).toEqual([live, '.age-recipients', 'x.age'].sort());
  });
});
