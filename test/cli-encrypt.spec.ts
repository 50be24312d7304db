import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ageDecrypt, ageEncrypt, ageKeygen, project, run, runCli, runCliBytes, withKey, write } from './helpers/cli';

const canary = (): string => `canary-${randomBytes(12).toString('hex')}`;

describe('nest-secrets encrypt', () => {
  it('encrypts (armored) to every .age-recipients entry; the age tool decrypts with each identity', async () => {
    const { dir, env, alice, bob } = project();
    write(dir, '.age-recipients', `# the team\n${alice.recipient}\n\n  ${bob.recipient}  \n`);
    const plaintext = `[app]\nsecret = ${canary()}\n`;
    const plain = write(dir, 'production-secrets.ini', plaintext, 0o600);
    const result = await runCli(['encrypt', '-e', 'production'], { cwd: dir, env });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      'Encrypted production-secrets.ini to production-secrets.ini.age for 2 recipients.\n' +
        'Commit the .age file and delete the plaintext now (the loader refuses to run while both exist):\n' +
        `  rm ${plain}\n`,
    );
    const encrypted = path.join(dir, 'production-secrets.ini.age');
    expect(readFileSync(encrypted, 'utf8').startsWith('-----BEGIN AGE ENCRYPTED FILE-----\n')).toBe(true);
    expect(statSync(encrypted).mode & 0o777).toBe(0o644);
    expect(ageDecrypt(alice.file, encrypted)).toBe(plaintext);
    expect(ageDecrypt(bob.file, encrypted)).toBe(plaintext);
    expect(readFileSync(plain, 'utf8')).toBe(plaintext); // deleting is the user's call
  });

  it('acts on a comma list of environments and adds --recipient', async () => {
    const { home, dir, env, alice, bob } = project();
    const carol = ageKeygen(home, 'carol.txt');
    write(dir, '.age-recipients', `${alice.recipient}\n`);
    write(dir, 'production-secrets.ini', '[a]\nk = 1\n');
    write(dir, 'staging-secrets.ini', '[a]\nk = 2\n');
    const result = await runCli(
      ['encrypt', '-e', 'production,staging', '-r', bob.recipient, '--recipient', carol.recipient],
      { cwd: dir, env },
    );
    expect(result.status).toBe(0);
    for (const [name, text] of [
      ['production', '[a]\nk = 1\n'],
      ['staging', '[a]\nk = 2\n'],
    ]) {
      for (const who of [alice, bob, carol])
        expect(ageDecrypt(who.file, path.join(dir, `${name}-secrets.ini.age`))).toBe(text);
    }
  });

  it('validates the INI syntax of every file first: nothing is written when one is broken', async () => {
    const { dir, env, alice } = project();
    write(dir, '.age-recipients', `${alice.recipient}\n`);
    write(dir, 'production-secrets.ini', '[a]\nk = 1\n');
    const secret = canary();
    const broken = write(dir, 'staging-secrets.ini', `[a]\nk = 1\n${secret}\n`);
    const result = await runCli(['encrypt', '-e', 'production,staging'], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^${broken}:3 \\[a\\]: .+\\n$`));
    expect(result.stderr).not.toContain(secret);
    expect(existsSync(path.join(dir, 'production-secrets.ini.age'))).toBe(false);
    expect(existsSync(path.join(dir, 'staging-secrets.ini.age'))).toBe(false);
  });

  it('a missing plaintext file is FILE_NOT_FOUND', async () => {
    const { dir, env, alice } = project();
    write(dir, '.age-recipients', `${alice.recipient}\n`);
    const result = await runCli(['encrypt', '-e', 'production'], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `${path.join(dir, 'production-secrets.ini')}: secrets file not found: nothing to encrypt (\`nest-secrets edit\` creates an encrypted file directly)\n`,
    );
  });

  it('a bad .age-recipients line is an error naming its line; nothing is written', async () => {
    const { dir, env, alice } = project();
    const list = write(
      dir,
      '.age-recipients',
      `# ok\n${alice.recipient}\n${alice.recipient.slice(0, -1)}${alice.recipient.endsWith('q') ? 'p' : 'q'}\nage1pq1${'q'.repeat(60)}\n${alice.identity}\n`,
    );
    write(dir, 'production-secrets.ini', '[a]\nk = 1\n');
    const result = await runCli(['encrypt', '-e', 'production'], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `${list}:3: line is not an X25519 age recipient (age1… as printed by \`nest-secrets keygen\` or \`age-keygen -y\`)\n` +
        `${list}:4: line is a post-quantum, tag or plugin recipient: only X25519 recipients (age1…) are supported, so that age 1.1 can read the files\n` +
        `${list}:5: line is a secret key, not a recipient: never share it; use its public key (age1…) instead\n`,
    );
    expect(result.stderr).not.toContain(alice.identity);
    expect(existsSync(path.join(dir, 'production-secrets.ini.age'))).toBe(false);
  });

  it('nobody to encrypt to is NO_RECIPIENTS', async () => {
    const { dir, env } = project();
    write(dir, 'production-secrets.ini', '[a]\nk = 1\n');
    const result = await runCli(['encrypt', '-e', 'production'], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `${path.join(dir, '.age-recipients')}: does not exist: add public keys (age1…) with \`nest-secrets recipients add\`, or pass --recipient\n`,
    );
    write(dir, '.age-recipients', '# nobody yet\n');
    expect((await runCli(['encrypt', '-e', 'production'], { cwd: dir, env })).stderr).toContain(
      '.age-recipients: lists no recipient: add public keys',
    );
  });

  it('a bad --recipient is an error that does not echo it', async () => {
    const { dir, env, alice } = project();
    write(dir, 'production-secrets.ini', '[a]\nk = 1\n');
    const result = await runCli(['encrypt', '-e', 'production', '-r', alice.identity], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      '--recipient #1 is a secret key, not a recipient: never share it; use its public key (age1…) instead\n',
    );
  });

  it('--dir selects the directory', async () => {
    const { home, dir, env, alice } = project();
    write(dir, '.age-recipients', `${alice.recipient}\n`);
    write(dir, 'production-secrets.ini', '[a]\nk = 1\n');
    expect((await runCli(['encrypt', '-e', 'production', '--dir', 'project'], { cwd: home, env })).status).toBe(0);
    expect(ageDecrypt(alice.file, path.join(dir, 'production-secrets.ini.age'))).toBe('[a]\nk = 1\n');
  });
});

describe('nest-secrets decrypt', () => {
  it('prints the plaintext to stdout only, for files made by encrypt and by the age tool', async () => {
    const { dir, env, alice, bob } = project();
    const plaintext = `[app]\nsecret = ${canary()}\n`;
    write(dir, '.age-recipients', `${alice.recipient}\n`);
    write(dir, 'production-secrets.ini', plaintext);
    expect((await runCli(['encrypt', '-e', 'production'], { cwd: dir, env })).status).toBe(0);
    const result = await runCli(['decrypt', '-e', 'production'], { cwd: dir, env: withKey(env, alice) });
    expect(result).toEqual({ status: 0, signal: null, stdout: plaintext, stderr: '' });
    writeFileSync(path.join(dir, 'staging-secrets.ini.age'), ageEncrypt([bob.recipient], plaintext, false));
    expect(
      (await runCli(['decrypt', '-e', 'staging'], { cwd: dir, env: { ...env, SECRETS_AGE_KEY: bob.identity } })).stdout,
    ).toBe(plaintext);
  });

  it('prints the plaintext byte for byte, as age -d does: a leading byte order mark is kept', async () => {
    const { dir, env, alice } = project();
    const plaintext = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`[app]\nsecret = ${canary()}\r\n`)]);
    const file = path.join(dir, 'production-secrets.ini.age');
    writeFileSync(file, run('age', ['-a', '-r', alice.recipient], { input: plaintext }));
    const result = await runCliBytes(['decrypt', '-e', 'production'], { cwd: dir, env: withKey(env, alice) });
    expect({ status: result.status, stderr: result.stderr.toString() }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout.toString('hex')).toBe(plaintext.toString('hex'));
    expect(result.stdout.toString('hex')).toBe(run('age', ['-d', '-i', alice.file, file]).toString('hex'));
  });

  it('uses the default identity file that keygen wrote', async () => {
    const { dir, env } = project();
    const recipient = (await runCli(['keygen'], { cwd: dir, env })).stdout.trim();
    const plaintext = `[app]\nsecret = ${canary()}\n`;
    writeFileSync(path.join(dir, 'production-secrets.ini.age'), ageEncrypt([recipient], plaintext, true));
    expect((await runCli(['decrypt', '-e', 'production'], { cwd: dir, env })).stdout).toBe(plaintext);
  });

  it('wrong identity, no identity, damaged file: exit 1, the core message, no plaintext', async () => {
    const { dir, env, alice, bob } = project();
    const secret = canary();
    const file = path.join(dir, 'production-secrets.ini.age');
    writeFileSync(file, ageEncrypt([alice.recipient], `[app]\nsecret = ${secret}\n`, true));

    const wrong = await runCli(['decrypt', '-e', 'production'], { cwd: dir, env: withKey(env, bob) });
    expect(wrong).toMatchObject({ status: 1, stdout: '' });
    expect(wrong.stderr).toBe(
      `${file}: no identity from SECRETS_AGE_KEY_FILE (${bob.file}) can decrypt this file (public key: ${bob.recipient}); ` +
        'someone who can decrypt it must add yours with `nest-secrets recipients add`\n',
    );

    const none = await runCli(['decrypt', '-e', 'production'], { cwd: dir, env });
    expect(none).toMatchObject({ status: 1, stdout: '' });
    expect(none.stderr).toContain(`${file}: no age identity to decrypt with: set SECRETS_AGE_KEY`);

    const empty = await runCli(['decrypt', '-e', 'production'], { cwd: dir, env: { ...env, SECRETS_AGE_KEY: '' } });
    expect(empty).toMatchObject({ status: 1, stdout: '' });
    expect(empty.stderr).toBe(
      `${file}: SECRETS_AGE_KEY is set but empty: put the AGE-SECRET-KEY-1… line of the identity in it, or unset it\n`,
    );

    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 60));
    const truncated = await runCli(['decrypt', '-e', 'production'], { cwd: dir, env: withKey(env, alice) });
    expect(truncated).toMatchObject({ status: 1, stdout: '' });
    expect(truncated.stderr).toMatch(
      /: cannot be decrypted: the file is corrupted, truncated or was modified \(.+\)\n$/,
    );

    writeFileSync(file, `[app]\nsecret = ${secret}\n`);
    const plaintextFile = await runCli(['decrypt', '-e', 'production'], { cwd: dir, env: withKey(env, alice) });
    expect(plaintextFile).toMatchObject({ status: 1, stdout: '' });
    expect(plaintextFile.stderr).toContain('is not an age-encrypted file');
    for (const r of [wrong, none, empty, truncated, plaintextFile]) expect(r.stderr).not.toContain(secret);
  });
});
