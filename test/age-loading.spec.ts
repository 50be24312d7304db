import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { IsInt, IsString, MinLength } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { SecretsSection } from '../lib/dto/decorators';
import { decryptSecrets } from '../lib/sources/decrypt';
import { SecretsError } from '../lib/errors';
import { loadSecrets } from '../lib/load-secrets';
import { locate } from '../lib/sources/locate';
import { parseIni } from '../lib/sources/parse';
import { readSecrets } from '../lib/sources/read';
import { ageEncrypt, ageKeygen, tempDir, write } from './helpers/cli';
import { failure } from './helpers/errors';

const canary = (): string => `canary-${randomBytes(12).toString('hex')}`;

/** Every representation of the error, for "never shows a secret" checks. */
function everything(error: SecretsError): string {
  return [
    error.message,
    error.stack,
    JSON.stringify(error),
    inspect(error, { depth: null }),
    String((error as { cause?: unknown }).cause),
  ].join('\n');
}

function setup() {
  const dir = tempDir();
  const alice = ageKeygen(dir, 'alice.txt');
  const bob = ageKeygen(dir, 'bob.txt');
  const mallory = ageKeygen(dir, 'mallory.txt');
  const secret = canary();
  const plaintext = `[app]\nsecret = ${secret}\n`;
  return { dir, alice, bob, mallory, secret, plaintext };
}

const decode = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

describe('decryptSecrets with files made by the age tool', () => {
  it('decrypts a binary file (age -r)', async () => {
    const { alice, plaintext } = setup();
    const ciphertext = ageEncrypt([alice.recipient], plaintext, false);
    expect(ciphertext.subarray(0, 22).toString()).toBe('age-encryption.org/v1\n');
    expect(decode(await decryptSecrets(ciphertext, '/x.age', { identity: alice.identity, env: {} }))).toBe(plaintext);
  });

  it('decrypts an armored file (age -a -r)', async () => {
    const { alice, plaintext } = setup();
    const ciphertext = ageEncrypt([alice.recipient], plaintext, true);
    expect(ciphertext.toString().startsWith('-----BEGIN AGE ENCRYPTED FILE-----\n')).toBe(true);
    expect(decode(await decryptSecrets(ciphertext, '/x.age', { identity: alice.identity, env: {} }))).toBe(plaintext);
  });

  it('opens a multi-recipient file with each identity, and not with another', async () => {
    const { alice, bob, mallory, plaintext } = setup();
    const ciphertext = ageEncrypt([alice.recipient, bob.recipient], plaintext, true);
    for (const who of [alice, bob]) {
      expect(decode(await decryptSecrets(ciphertext, '/x.age', { identity: who.identity, env: {} }))).toBe(plaintext);
    }
    const error = await failure(decryptSecrets(ciphertext, '/x.age', { identity: mallory.identity, env: {} }));
    expect(error.codes).toEqual(['DECRYPTION_FAILED']);
  });

  it('decrypts an empty plaintext', async () => {
    const { alice } = setup();
    const ciphertext = ageEncrypt([alice.recipient], '', false);
    expect((await decryptSecrets(ciphertext, '/x.age', { identity: alice.identity, env: {} })).length).toBe(0);
  });
});

describe('decryption failures: each its own message, never a partial result or a secret', () => {
  it('wrong identity: DECRYPTION_FAILED naming the source and its public key', async () => {
    const { alice, mallory, plaintext, secret } = setup();
    const ciphertext = ageEncrypt([alice.recipient], plaintext, true);
    const error = await failure(
      decryptSecrets(ciphertext, '/s/production-secrets.ini.age', { identity: mallory.identity, env: {} }),
    );
    expect(error.problems).toEqual([
      {
        code: 'DECRYPTION_FAILED',
        file: '/s/production-secrets.ini.age',
        message:
          `no identity from the identity option can decrypt this file (public key: ${mallory.recipient}); ` +
          'someone who can decrypt it must add yours with `nest-secrets recipients add`',
      },
    ]);
    expect(everything(error)).not.toContain(secret);
    expect(everything(error)).not.toContain(mallory.identity);
    expect((error as { cause?: unknown }).cause).toBeUndefined();
  });

  const corrupted = '/x.age: cannot be decrypted: the file is corrupted, truncated or was modified';

  it('one flipped byte in the payload (binary): corrupted', async () => {
    const { alice, plaintext, secret } = setup();
    const ciphertext = Buffer.from(ageEncrypt([alice.recipient], plaintext, false));
    ciphertext[ciphertext.length - 20] ^= 0x01;
    const error = await failure(decryptSecrets(ciphertext, '/x.age', { identity: alice.identity, env: {} }));
    expect(error.codes).toEqual(['DECRYPTION_FAILED']);
    expect(error.message).toBe(`${corrupted} (its header or payload failed authentication)`);
    expect(everything(error)).not.toContain(secret);
  });

  it('one flipped byte in the payload (armored): corrupted', async () => {
    const { alice, plaintext } = setup();
    const armored = ageEncrypt([alice.recipient], plaintext, true).toString();
    const lines = armored.split('\n');
    const last = lines.length - 3; // last base64 line, inside the payload
    lines[last] = (lines[last]![0] === 'A' ? 'B' : 'A') + lines[last]!.slice(1);
    const error = await failure(
      decryptSecrets(Buffer.from(lines.join('\n')), '/x.age', { identity: alice.identity, env: {} }),
    );
    expect(error.codes).toEqual(['DECRYPTION_FAILED']);
    expect(error.message.startsWith(corrupted)).toBe(true);
  });

  it('a flipped byte in the header MAC: corrupted', async () => {
    const { alice, plaintext } = setup();
    const ciphertext = Buffer.from(ageEncrypt([alice.recipient], plaintext, false));
    const mac = ciphertext.indexOf('\n--- ') + 6;
    ciphertext[mac] = ciphertext[mac] === 0x41 ? 0x42 : 0x41;
    const error = await failure(decryptSecrets(ciphertext, '/x.age', { identity: alice.identity, env: {} }));
    expect(error.message).toBe(`${corrupted} (its header or payload failed authentication)`);
  });

  it('truncated file: corrupted, nothing returned', async () => {
    const { alice, plaintext } = setup();
    const ciphertext = ageEncrypt([alice.recipient], plaintext + 'x'.repeat(70_000), false);
    for (const length of [ciphertext.length - 1, 66_000, 100, 30]) {
      const error = await failure(
        decryptSecrets(ciphertext.subarray(0, length), '/x.age', { identity: alice.identity, env: {} }),
      );
      expect(error.codes).toEqual(['DECRYPTION_FAILED']);
      expect(error.message.startsWith(corrupted)).toBe(true);
    }
  });

  it('truncated armored file: corrupted', async () => {
    const { alice, plaintext } = setup();
    const armored = ageEncrypt([alice.recipient], plaintext, true);
    const error = await failure(
      decryptSecrets(armored.subarray(0, armored.length - 40), '/x.age', { identity: alice.identity, env: {} }),
    );
    expect(error.message).toBe(`${corrupted} (its ASCII armor is damaged)`);
  });

  it('plaintext renamed to .age: not an age file, without quoting its first line', async () => {
    const { alice, plaintext, secret } = setup();
    const error = await failure(
      decryptSecrets(Buffer.from(`secret = ${secret}\n${plaintext}`), '/x.age', { identity: alice.identity, env: {} }),
    );
    expect(error.problems).toEqual([
      {
        code: 'DECRYPTION_FAILED',
        file: '/x.age',
        message:
          'is not an age-encrypted file (it starts with neither "age-encryption.org/v1" nor "-----BEGIN AGE ENCRYPTED FILE-----"): ' +
          'it is corrupted or was modified, or it is a plaintext file named .age',
      },
    ]);
    expect(everything(error)).not.toContain(secret);
  });

  it('an age header that is damaged (library message would quote it): corrupted', async () => {
    const { alice, secret } = setup();
    const error = await failure(
      decryptSecrets(Buffer.from(`age-encryption.org/v1\n-> ${secret}\n--- x\n`), '/x.age', {
        identity: alice.identity,
        env: {},
      }),
    );
    expect(error.message).toBe(`${corrupted} (its age header is malformed)`);
    expect(everything(error)).not.toContain(secret);
  });
});

describe('identity sources', () => {
  it('empty SECRETS_AGE_KEY is its own error (no fall-through to the key file)', async () => {
    const { alice, plaintext } = setup();
    const ciphertext = ageEncrypt([alice.recipient], plaintext, false);
    const error = await failure(
      decryptSecrets(ciphertext, '/x.age', { env: { SECRETS_AGE_KEY: '', SECRETS_AGE_KEY_FILE: alice.file } }),
    );
    expect(error.problems).toEqual([
      {
        code: 'NO_IDENTITY',
        file: '/x.age',
        message: 'SECRETS_AGE_KEY is set but empty: put the AGE-SECRET-KEY-1… line of the identity in it, or unset it',
      },
    ]);
    const blank = await failure(decryptSecrets(ciphertext, '/x.age', { env: { SECRETS_AGE_KEY: ' \n ' } }));
    expect(blank.codes).toEqual(['NO_IDENTITY']);
  });

  it('empty SECRETS_AGE_KEY_FILE is an error', async () => {
    const { alice, plaintext } = setup();
    const error = await failure(
      decryptSecrets(ageEncrypt([alice.recipient], plaintext, false), '/x.age', { env: { SECRETS_AGE_KEY_FILE: '' } }),
    );
    expect(error.message).toBe(
      '/x.age: SECRETS_AGE_KEY_FILE is set but empty: set it to the path of an age identity file, or unset it',
    );
  });

  it('none available: NO_IDENTITY naming both variables and the default path', async () => {
    const { dir, alice, plaintext } = setup();
    const ciphertext = ageEncrypt([alice.recipient], plaintext, false);
    const error = await failure(decryptSecrets(ciphertext, '/x.age', { env: { HOME: dir } }));
    expect(error.problems).toEqual([
      {
        code: 'NO_IDENTITY',
        file: '/x.age',
        message:
          'no age identity to decrypt with: set SECRETS_AGE_KEY (AGE-SECRET-KEY-1… lines) or SECRETS_AGE_KEY_FILE (path of an identity file), ' +
          `or create the default identity file ${path.join(dir, '.config/nest-secrets/age-keys.txt')} with \`nest-secrets keygen\``,
      },
    ]);
  });

  it('SECRETS_AGE_KEY holds several lines and comments', async () => {
    const { alice, bob, plaintext } = setup();
    const ciphertext = ageEncrypt([bob.recipient], plaintext, false);
    const env = { SECRETS_AGE_KEY: `# team keys\r\n${alice.identity}\r\n\r\n  ${bob.identity}  \r\n` };
    expect(decode(await decryptSecrets(ciphertext, '/x.age', { env }))).toBe(plaintext);
  });

  it('SECRETS_AGE_KEY_FILE reads an age-keygen file (comments allowed)', async () => {
    const { alice, plaintext } = setup();
    expect(readFileSync(alice.file, 'utf8')).toContain('# public key: ');
    const ciphertext = ageEncrypt([alice.recipient], plaintext, true);
    expect(decode(await decryptSecrets(ciphertext, '/x.age', { env: { SECRETS_AGE_KEY_FILE: alice.file } }))).toBe(
      plaintext,
    );
  });

  it('SECRETS_AGE_KEY_FILE naming a missing file: NO_IDENTITY', async () => {
    const { dir, alice, plaintext } = setup();
    const missing = path.join(dir, 'nope.txt');
    const error = await failure(
      decryptSecrets(ageEncrypt([alice.recipient], plaintext, false), '/x.age', {
        env: { SECRETS_AGE_KEY_FILE: missing },
      }),
    );
    expect(error.message).toBe(`/x.age: SECRETS_AGE_KEY_FILE names ${missing}, which does not exist`);
  });

  it('SECRETS_AGE_KEY_FILE holding an identity instead of a path: the identity is not shown as the path', async () => {
    const { alice, plaintext } = setup();
    const error = await failure(
      decryptSecrets(ageEncrypt([alice.recipient], plaintext, false), '/x.age', {
        env: { SECRETS_AGE_KEY_FILE: alice.identity },
      }),
    );
    expect(error.message).toBe(
      '/x.age: SECRETS_AGE_KEY_FILE names a relative path (not shown: only one starting with /, ./ or ../ is, as a value pasted there would be), which does not exist',
    );
  });

  it('default file: $XDG_CONFIG_HOME/nest-secrets/age-keys.txt, else $HOME/.config/…', async () => {
    const { dir, alice, plaintext } = setup();
    const ciphertext = ageEncrypt([alice.recipient], plaintext, false);
    write(dir, 'xdg/nest-secrets/age-keys.txt', readFileSync(alice.file));
    expect(
      decode(
        await decryptSecrets(ciphertext, '/x.age', {
          env: { XDG_CONFIG_HOME: path.join(dir, 'xdg'), HOME: '/nonexistent' },
        }),
      ),
    ).toBe(plaintext);
    write(dir, 'home/.config/nest-secrets/age-keys.txt', readFileSync(alice.file));
    expect(decode(await decryptSecrets(ciphertext, '/x.age', { env: { HOME: path.join(dir, 'home') } }))).toBe(
      plaintext,
    );
  });

  it('precedence: option, then SECRETS_AGE_KEY, then SECRETS_AGE_KEY_FILE, then the default file (first wins, no merging)', async () => {
    const { dir, alice, bob, plaintext } = setup();
    const forAlice = ageEncrypt([alice.recipient], plaintext, false);
    write(dir, '.config/nest-secrets/age-keys.txt', readFileSync(bob.file));
    const env = { HOME: dir, SECRETS_AGE_KEY: bob.identity, SECRETS_AGE_KEY_FILE: bob.file };
    expect(decode(await decryptSecrets(forAlice, '/x.age', { identity: [alice.identity], env }))).toBe(plaintext);
    expect((await failure(decryptSecrets(forAlice, '/x.age', { env }))).message).toContain(
      'no identity from SECRETS_AGE_KEY can',
    );
    expect(
      (await failure(decryptSecrets(forAlice, '/x.age', { env: { ...env, SECRETS_AGE_KEY: undefined } }))).message,
    ).toContain(`no identity from SECRETS_AGE_KEY_FILE (${bob.file}) can`);
    expect((await failure(decryptSecrets(forAlice, '/x.age', { env: { HOME: dir } }))).message).toContain(
      `no identity from the default identity file ${path.join(dir, '.config/nest-secrets/age-keys.txt')} can`,
    );
  });

  it('a line that is not an identity: INVALID_IDENTITY naming the line, never its text', async () => {
    const { dir, alice, plaintext } = setup();
    const ciphertext = ageEncrypt([alice.recipient], plaintext, false);
    const broken = alice.identity.slice(0, -1) + (alice.identity.endsWith('Q') ? 'P' : 'Q'); // bad checksum
    const fromVariable = await failure(
      decryptSecrets(ciphertext, '/x.age', { env: { SECRETS_AGE_KEY: `# key\n${broken}` } }),
    );
    expect(fromVariable.problems).toEqual([
      {
        code: 'INVALID_IDENTITY',
        file: '/x.age',
        message: 'line 2 of SECRETS_AGE_KEY is not an X25519 age identity (AGE-SECRET-KEY-1…)',
      },
    ]);
    expect(everything(fromVariable)).not.toContain(broken.slice(20));
    const keyFile = write(dir, 'keys.txt', `# created\n\n${broken}\n`);
    const fromFile = await failure(decryptSecrets(ciphertext, '/x.age', { env: { SECRETS_AGE_KEY_FILE: keyFile } }));
    expect(fromFile.message).toBe(`${keyFile}:3: line is not an X25519 age identity (AGE-SECRET-KEY-1…)`);
    const pq = await failure(decryptSecrets(ciphertext, '/x.age', { identity: 'AGE-SECRET-KEY-PQ-1ABC', env: {} }));
    expect(pq.message).toContain('is a post-quantum identity, which is not supported');
  });

  it('an identity source with no key line: NO_IDENTITY', async () => {
    const { dir, alice, plaintext } = setup();
    const keyFile = write(dir, 'keys.txt', '# nothing here\n');
    const error = await failure(
      decryptSecrets(ageEncrypt([alice.recipient], plaintext, false), '/x.age', {
        env: { SECRETS_AGE_KEY_FILE: keyFile },
      }),
    );
    expect(error.message).toBe(`/x.age: SECRETS_AGE_KEY_FILE (${keyFile}) contains no AGE-SECRET-KEY-1… line`);
  });

  it('a plaintext file named .age says so even without any identity', async () => {
    const error = await failure(decryptSecrets(Buffer.from('[app]\n'), '/x.age', { env: {} }));
    expect(error.message).toContain('is not an age-encrypted file');
  });
});

describe('readSecrets with <env>-secrets.ini.age', () => {
  const read = (dir: string, env: Record<string, string>, file?: string) =>
    readSecrets(locate({ environment: 'production', directory: dir, file, env }), { maxFileSize: 1024 * 1024, env });

  it('falls back to the .age file, decrypts in memory, names the .age file', async () => {
    const { dir, alice, plaintext } = setup();
    writeFileSync(path.join(dir, 'production-secrets.ini.age'), ageEncrypt([alice.recipient], plaintext, true));
    const result = await read(dir, { SECRETS_AGE_KEY: alice.identity });
    expect(result).toEqual({ file: path.join(dir, 'production-secrets.ini.age'), text: plaintext, encrypted: true });
  });

  it('errors in the decrypted text point at its lines and name the .age file', async () => {
    const { dir, alice } = setup();
    writeFileSync(
      path.join(dir, 'production-secrets.ini.age'),
      ageEncrypt([alice.recipient], '[app]\nok = 1\nno equals sign\n', false),
    );
    const result = await read(dir, { SECRETS_AGE_KEY: alice.identity });
    let error: unknown;
    try {
      parseIni(result.text, result.file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SecretsError);
    expect((error as SecretsError).problems[0]).toMatchObject({
      code: 'SYNTAX',
      file: path.join(dir, 'production-secrets.ini.age'),
      line: 3,
    });
  });

  it('an explicit file ending in .age is decrypted', async () => {
    const { dir, alice, plaintext } = setup();
    mkdirSync(path.join(dir, 'elsewhere'));
    const file = write(dir, 'elsewhere/custom.age', ageEncrypt([alice.recipient], plaintext, false));
    expect((await read(dir, { SECRETS_AGE_KEY: alice.identity }, file)).text).toBe(plaintext);
  });

  it('both files present: AMBIGUOUS_FILE saying which to delete', async () => {
    const { dir, alice, plaintext } = setup();
    write(dir, 'production-secrets.ini', plaintext);
    write(dir, 'production-secrets.ini.age', ageEncrypt([alice.recipient], plaintext, true));
    const error = await failure(read(dir, { SECRETS_AGE_KEY: alice.identity }));
    expect(error.codes).toEqual(['AMBIGUOUS_FILE']);
    expect(error.message).toContain('delete the plaintext file once it is encrypted');
  });

  it('a damaged .age file fails the whole read', async () => {
    const { dir, alice, plaintext } = setup();
    const file = path.join(dir, 'production-secrets.ini');
    write(dir, 'production-secrets.ini', plaintext);
    renameSync(file, file + '.age'); // plaintext renamed to .age
    const error = await failure(read(dir, { SECRETS_AGE_KEY: alice.identity }));
    expect(error.codes).toEqual(['DECRYPTION_FAILED']);
  });
});

describe('loadSecrets with <env>-secrets.ini.age', () => {
  @SecretsSection('app')
  class AppSecrets {
    @IsString() @MinLength(8) secret!: string;
    @IsInt() port!: number;
  }

  it('decrypts in memory and parses exactly as a plain file (environment from NODE_ENV, key from SECRETS_AGE_KEY)', async () => {
    const { dir, alice, secret } = setup();
    writeFileSync(
      path.join(dir, 'production-secrets.ini.age'),
      ageEncrypt([alice.recipient], `[app]\nsecret = ${secret}\nport = $PORT\n`, true),
    );
    const secrets = await loadSecrets({
      sections: [AppSecrets],
      directory: dir,
      env: { NODE_ENV: 'production', PORT: '8080', SECRETS_AGE_KEY: alice.identity },
    });
    expect(secrets.file).toBe(path.join(dir, 'production-secrets.ini.age'));
    expect(secrets.section(AppSecrets)).toMatchObject({ secret, port: 8080 });
  });

  it('the identity option wins over the environment', async () => {
    const { dir, alice, bob, secret } = setup();
    writeFileSync(
      path.join(dir, 'production-secrets.ini.age'),
      ageEncrypt([alice.recipient], `[app]\nsecret = ${secret}\nport = 1\n`, false),
    );
    const secrets = await loadSecrets({
      sections: [AppSecrets],
      environment: 'production',
      directory: dir,
      identity: alice.identity,
      env: { SECRETS_AGE_KEY: bob.identity },
    });
    expect(secrets.get('app.secret')).toBe(secret);
  });

  it('validation errors name the .age file and lines of the decrypted text, never the value', async () => {
    const { dir, alice } = setup();
    const file = path.join(dir, 'production-secrets.ini.age');
    writeFileSync(file, ageEncrypt([alice.recipient], '[app]\nsecret = short\nport = 80\n', true));
    const error = await failure(
      loadSecrets({
        sections: [AppSecrets],
        environment: 'production',
        directory: dir,
        env: { SECRETS_AGE_KEY: alice.identity },
      }),
    );
    expect(error.problems).toEqual([
      expect.objectContaining({ code: 'VALIDATION', file, line: 2, section: 'app', key: 'secret' }),
    ]);
    expect(everything(error)).not.toContain('short');
  });

  it('a file that cannot be decrypted fails the whole load', async () => {
    const { dir, alice, mallory, secret } = setup();
    writeFileSync(
      path.join(dir, 'production-secrets.ini.age'),
      ageEncrypt([alice.recipient], `[app]\nsecret = ${secret}\nport = 1\n`, true),
    );
    const error = await failure(
      loadSecrets({
        sections: [AppSecrets],
        environment: 'production',
        directory: dir,
        env: { SECRETS_AGE_KEY: mallory.identity },
      }),
    );
    expect(error.codes).toEqual(['DECRYPTION_FAILED']);
    expect(everything(error)).not.toContain(secret);
  });
});
