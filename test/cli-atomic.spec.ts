import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ageDecrypt, ageEncrypt, leftovers, project, runCli, runCliProcess, withKey, write } from './helpers/cli';

/**
 * The crash is a real SIGKILL of a `nest-secrets` process (its context turns
 * this variable into the kill); the run after it is in-process.
 */
const CRASH = { NEST_SECRETS_TEST_CRASH_BEFORE_RENAME: '1' };

describe('atomic replacement: a crash between writing the temp file and the rename', () => {
  it('encrypt: the original .age file is intact; the next write command removes the leftover', async () => {
    const { dir, env, alice } = project();
    write(dir, '.age-recipients', `${alice.recipient}\n`);
    const target = path.join(dir, 'production-secrets.ini.age');
    writeFileSync(target, ageEncrypt([alice.recipient], '[app]\nv = old\n', true));
    const before = readFileSync(target);
    write(dir, 'production-secrets.ini', '[app]\nv = new\n');

    const crashed = runCliProcess(['encrypt', '-e', 'production'], { cwd: dir, env: { ...env, ...CRASH } });
    expect(crashed.signal).toBe('SIGKILL');
    expect(readFileSync(target).equals(before)).toBe(true);
    expect(leftovers(dir)).toHaveLength(1);
    expect(leftovers(dir)[0]).toMatch(/^\.nest-secrets-tmp-\d+-[0-9a-f]{12}-production-secrets\.ini\.age$/);

    const again = await runCli(['encrypt', '-e', 'production'], { cwd: dir, env });
    expect(again.status).toBe(0);
    expect(leftovers(dir)).toEqual([]);
    expect(ageDecrypt(alice.file, target)).toBe('[app]\nv = new\n');
  });

  it('edit: the .age file is intact, and the next edit wipes the plaintext left by the killed one', async () => {
    const { home, dir, env, alice } = project();
    write(dir, '.age-recipients', `${alice.recipient}\n`);
    const target = path.join(dir, 'production-secrets.ini.age');
    writeFileSync(target, ageEncrypt([alice.recipient], '[app]\nv = old\n', true));
    const before = readFileSync(target);
    const record = path.join(home, 'record.txt');
    const editEnv = {
      ...withKey(env, alice),
      EDITOR: `sh ${path.resolve('test/fixtures/age/editor.sh')}`,
      RECORD: record,
      EDIT_ACTION: 'replace',
      EDIT_TEXT: '[app]\nv = new',
    };

    const crashed = runCliProcess(['edit', '-e', 'production'], { cwd: dir, env: { ...editEnv, ...CRASH } });
    expect(crashed.signal).toBe('SIGKILL');
    expect(readFileSync(target).equals(before)).toBe(true);
    const killedWorkspace = path.dirname(readFileSync(record, 'utf8').split(' ')[0]!);
    expect(existsSync(killedWorkspace)).toBe(true); // SIGKILL leaves no chance to clean up…

    expect((await runCli(['edit', '-e', 'production'], { cwd: dir, env: editEnv })).status).toBe(0);
    expect(existsSync(killedWorkspace)).toBe(false); // …so the next run does
    expect(leftovers(dir)).toEqual([]);
    expect(ageDecrypt(alice.file, target)).toBe('[app]\nv = new\n');
  });

  it('recipients add: files and list intact after a crash; re-running finishes the job', async () => {
    const { dir, env, alice, bob } = project();
    const list = write(dir, '.age-recipients', `${alice.recipient}\n`);
    const target = path.join(dir, 'production-secrets.ini.age');
    writeFileSync(target, ageEncrypt([alice.recipient], '[app]\nv = 1\n', true));
    const before = [readFileSync(list), readFileSync(target)];

    const crashed = runCliProcess(['recipients', 'add', bob.recipient], {
      cwd: dir,
      env: { ...withKey(env, alice), ...CRASH },
    });
    expect(crashed.signal).toBe('SIGKILL');
    expect([readFileSync(list), readFileSync(target)]).toEqual(before);

    expect((await runCli(['recipients', 'add', bob.recipient], { cwd: dir, env: withKey(env, alice) })).status).toBe(0);
    expect(ageDecrypt(bob.file, target)).toBe('[app]\nv = 1\n');
    expect(readdirSync(dir).sort()).toEqual(['.age-recipients', 'production-secrets.ini.age']);
  });
});
