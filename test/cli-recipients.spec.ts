import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ageDecrypt, ageEncrypt, ageKeygen, project, run, runCli, withKey, write } from './helpers/cli';

/** alice is listed; production and staging are encrypted to her. */
function team() {
  const p = project();
  const list = write(p.dir, '.age-recipients', `# team\n${p.alice.recipient}\n`);
  const files = ['production', 'staging'].map((name) => {
    const file = path.join(p.dir, `${name}-secrets.ini.age`);
    writeFileSync(file, ageEncrypt([p.alice.recipient], `[app]\nname = ${name}\n`, true));
    return file;
  });
  return { ...p, list, files, env: withKey(p.env, p.alice) };
}

const canDecrypt = (identityFile: string, file: string): boolean =>
  spawnSync('age', ['-d', '-i', identityFile, file], { encoding: 'utf8' }).status === 0;

describe('nest-secrets recipients', () => {
  it('add: appends the key and re-encrypts every *-secrets.ini.age to the new set', async () => {
    const { dir, env, list, files, alice, bob } = team();
    const result = await runCli(['recipients', 'add', bob.recipient], { cwd: dir, env });
    expect(result).toMatchObject({
      status: 0,
      stdout:
        'Added 1 recipient (.age-recipients lists 2); re-encrypted 2 files: production-secrets.ini.age, staging-secrets.ini.age.\n',
    });
    expect(readFileSync(list, 'utf8')).toBe(`# team\n${alice.recipient}\n${bob.recipient}\n`);
    for (const [index, name] of ['production', 'staging'].entries()) {
      expect(ageDecrypt(bob.file, files[index]!)).toBe(`[app]\nname = ${name}\n`);
      expect(ageDecrypt(alice.file, files[index]!)).toBe(`[app]\nname = ${name}\n`);
    }
    expect((await runCli(['recipients', 'list'], { cwd: dir, env })).stdout).toBe(
      `${alice.recipient}\n${bob.recipient}\n`,
    );
  });

  it('add re-encrypts the plaintext byte for byte, a leading byte order mark included', async () => {
    const { dir, env, files, alice, bob } = team();
    const plaintext = Buffer.from('\ufeff[app]\nname = production\n');
    writeFileSync(files[0]!, run('age', ['-a', '-r', alice.recipient], { input: plaintext }));
    expect((await runCli(['recipients', 'add', bob.recipient], { cwd: dir, env })).status).toBe(0);
    expect(run('age', ['-d', '-i', bob.file, files[0]!]).toString('hex')).toBe(plaintext.toString('hex'));
  });

  it('add creates .age-recipients when there is none', async () => {
    const { dir, env, alice } = project();
    expect((await runCli(['recipients', 'add', alice.recipient], { cwd: dir, env })).status).toBe(0);
    expect(readFileSync(path.join(dir, '.age-recipients'), 'utf8')).toMatch(
      new RegExp(`^(#.*\\n)+${alice.recipient}\\n$`),
    );
  });

  it('add: when one file cannot be decrypted, nothing is changed', async () => {
    const { home, dir, env, list, files, bob } = team();
    const mallory = ageKeygen(home, 'mallory.txt');
    const foreign = path.join(dir, 'test-secrets.ini.age');
    writeFileSync(foreign, ageEncrypt([mallory.recipient], '[app]\nname = test\n', true));
    const before = [list, ...files, foreign].map((file) => readFileSync(file));
    const result = await runCli(['recipients', 'add', bob.recipient], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${foreign}: no identity from SECRETS_AGE_KEY_FILE`)),
      `${list}: nothing was changed: every *-secrets.ini.age must be decrypted to re-encrypt it`,
      '',
    ]);
    expect([list, ...files, foreign].map((file) => readFileSync(file))).toEqual(before);
  });

  it('rm: removes the key, re-encrypts without it, and says to rotate the secrets', async () => {
    const { dir, env, list, files, alice, bob } = team();
    expect((await runCli(['recipients', 'add', bob.recipient], { cwd: dir, env })).status).toBe(0);
    const result = await runCli(['recipients', 'rm', bob.recipient], { cwd: dir, env });
    expect(result).toMatchObject({
      status: 0,
      stdout:
        'Removed 1 recipient (.age-recipients lists 1); re-encrypted 2 files: production-secrets.ini.age, staging-secrets.ini.age.\n' +
        'The removed key can still decrypt earlier versions of these files from git history (and any copy already made):\n' +
        'rotate the secrets they hold — change each password and token where it is issued — then store the new ones with `nest-secrets edit`.\n',
    });
    expect(readFileSync(list, 'utf8')).toBe(`# team\n${alice.recipient}\n`);
    for (const file of files) {
      expect(canDecrypt(alice.file, file)).toBe(true);
      expect(canDecrypt(bob.file, file)).toBe(false);
    }
  });

  it('rm of the last key is NO_RECIPIENTS; rm of an unlisted key is an error; nothing changes', async () => {
    const { dir, env, list, files, alice, bob } = team();
    const before = [list, ...files].map((file) => readFileSync(file));
    const last = await runCli(['recipients', 'rm', alice.recipient], { cwd: dir, env });
    expect(last.status).toBe(1);
    expect(last.stderr).toBe(
      `${list}: would list no recipient, and nobody could decrypt the files: add the new key before removing the last one\n`,
    );
    const unlisted = await runCli(['recipients', 'rm', bob.recipient], { cwd: dir, env });
    expect(unlisted.status).toBe(1);
    expect(unlisted.stderr).toBe(`nest-secrets: not listed in ${list}: ${bob.recipient}\n`);
    expect([list, ...files].map((file) => readFileSync(file))).toEqual(before);
  });

  it('an invalid key is INVALID_RECIPIENT, never echoed', async () => {
    const { dir, env, bob } = team();
    const result = await runCli(['recipients', 'add', bob.identity], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'argument 1 is a secret key, not a recipient: never share it; use its public key (age1…) instead\n',
    );
  });
  it('add and rm refuse a *-secrets.ini.age that is a symbolic link, naming it; nothing changes', async () => {
    const { home, dir, env, list, files, alice, bob } = team();
    const canary = 'CANARY-symlink-7f3a9c';
    const elsewhere = path.join(home, 'elsewhere');
    mkdirSync(elsewhere);
    const target = path.join(elsewhere, 'real-secrets.ini.age');
    writeFileSync(target, ageEncrypt([alice.recipient, bob.recipient], `[app]\ntoken = ${canary}\n`, true));
    const link = path.join(dir, 'test-secrets.ini.age');
    symlinkSync(target, link);
    writeFileSync(list, `# team\n${alice.recipient}\n${bob.recipient}\n`);
    const before = [list, ...files, target].map((file) => readFileSync(file));
    const message =
      `nest-secrets: ${link}: is a symbolic link: re-encrypting would replace the link; ` +
      "point it at nothing and keep the file here, or run recipients in the link's target directory\n";
    for (const args of [
      ['recipients', 'rm', bob.recipient],
      ['recipients', 'add', ageKeygen(home, 'carol.txt').recipient],
    ]) {
      const result = await runCli(args, { cwd: dir, env });
      expect(result).toMatchObject({ status: 1, stdout: '', stderr: message });
      expect(result.stderr).not.toContain(canary);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect([list, ...files, target].map((file) => readFileSync(file))).toEqual(before);
    }
    expect(canDecrypt(bob.file, target)).toBe(true);
  });
});
