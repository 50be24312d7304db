import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSecretsDirectory, type SecretsDirectoryResult } from '../lib/sources/secrets-directory';
import { atomicWrite, dockerSecrets } from './helpers/atomic-writer';
import { failure } from './helpers/errors';
import { tempDir, writeFile } from './helpers/tmp';

const quiet = { environment: 'test' };

/** section → key → value, without origins. */
function values(result: SecretsDirectoryResult): Record<string, Record<string, string>> {
  return Object.fromEntries(
    [...result.sections].map(([section, keys]) => [
      section,
      Object.fromEntries([...keys].map(([key, { value }]) => [key, value])),
    ]),
  );
}

describe('readSecretsDirectory: names', () => {
  it('reads <section>.<key> files, splitting at the last dot', async () => {
    const dir = tempDir();
    writeFile(dir, 'db.password', 'pw-1\n');
    writeFile(dir, 'a.b.c.key', 'v');
    const result = await readSecretsDirectory(dir, quiet);
    expect(values(result)).toEqual({ 'a.b.c': { key: 'v' }, db: { password: 'pw-1' } });
    expect(result.sections.get('db')?.get('password')?.origin).toEqual({
      kind: 'directory-file',
      path: path.join(dir, 'db.password'),
    });
    expect(result).toMatchObject({ layout: 'plain', version: undefined, warnings: [] });
  });

  it('reads one sub-directory per section', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'db'));
    mkdirSync(path.join(dir, 'authomatic.facebook'));
    writeFile(dir, 'db/password', 'pw-1\n');
    writeFile(dir, 'db/user', 'app');
    writeFile(dir, 'authomatic.facebook/consumer_key', '1234567890');
    const result = await readSecretsDirectory(dir, quiet);
    expect(values(result)).toEqual({
      'authomatic.facebook': { consumer_key: '1234567890' },
      db: { password: 'pw-1', user: 'app' },
    });
    expect(result.sections.get('db')?.get('user')?.origin).toEqual({
      kind: 'directory-file',
      path: path.join(dir, 'db', 'user'),
    });
  });

  it('sorts sections and keys by name, whatever the file system lists', async () => {
    const dir = tempDir();
    for (const name of ['z.b', 'z.a', 'a.z', 'm.m']) writeFile(dir, name, name);
    const result = await readSecretsDirectory(dir, quiet);
    expect([...result.sections.keys()]).toEqual(['a', 'm', 'z']);
    expect([...(result.sections.get('z')?.keys() ?? [])]).toEqual(['a', 'b']);
  });

  it('ignores every dotfile and dot-directory', async () => {
    const dir = tempDir();
    writeFile(dir, '.hidden.key', 'x');
    writeFile(dir, '.gitkeep', '');
    mkdirSync(path.join(dir, '.cache'));
    writeFile(dir, '.cache/a.b', 'x');
    mkdirSync(path.join(dir, 'db'));
    writeFile(dir, 'db/.password.swp', 'x');
    writeFile(dir, 'db/password', 'pw');
    expect(values(await readSecretsDirectory(dir, quiet))).toEqual({ db: { password: 'pw' } });
  });

  it('refuses a file without a dot directly in the directory, an empty key, and a dotted key file', async () => {
    const dir = tempDir();
    writeFile(dir, 'db_password', 'x');
    writeFile(dir, 'db.', 'x');
    mkdirSync(path.join(dir, 'db'));
    writeFile(dir, 'db/pass.word', 'x');
    writeFile(dir, 'db.user name', 'x');
    const error = await failure(readSecretsDirectory(dir, quiet));
    expect(error.problems).toEqual([
      {
        code: 'SYNTAX',
        file: path.join(dir, 'db', 'pass.word'),
        section: 'db',
        message: 'a file in a section directory is named by its key, which may not contain "."',
      },
      {
        code: 'SYNTAX',
        file: path.join(dir, 'db.'),
        message: 'file name ends with ".": the key is empty',
      },
      {
        code: 'SYNTAX',
        file: path.join(dir, 'db.user name'),
        section: 'db',
        message: 'key may not contain whitespace, "[" or "]"',
      },
      {
        code: 'SYNTAX',
        file: path.join(dir, 'db_password'),
        message: 'file name has no ".": name it <section>.<key> or move it into a <section>/ directory',
      },
    ]);
  });

  it('refuses a name with a control character without printing it, naming the directory', async () => {
    const dir = tempDir();
    writeFile(dir, 'd\nb.password', 'value-1');
    mkdirSync(path.join(dir, 'ok'));
    writeFile(path.join(dir, 'ok'), 'k\u001b[31m', 'value-2');
    writeFile(path.join(dir, 'ok'), 'fine', 'value-3');
    const error = await failure(readSecretsDirectory(dir, quiet));
    const message =
      'holds a file whose name contains a control character (a newline, an escape): rename it (name not shown)';
    expect(error.problems).toEqual([
      { code: 'SYNTAX', file: dir, message },
      { code: 'SYNTAX', file: path.join(dir, 'ok'), message },
    ]);
  });

  it('refuses sections and keys differing only by case, a key set twice, and reserved names', async () => {
    const cases = tempDir();
    writeFile(cases, 'DB.host', 'a');
    writeFile(cases, 'db.user', 'b');
    writeFile(cases, 'x.User', 'c');
    writeFile(cases, 'x.user', 'd');
    writeFile(cases, 'y.__proto__', 'e');
    expect((await failure(readSecretsDirectory(cases, quiet))).problems).toEqual([
      {
        code: 'DUPLICATE_SECTION',
        file: path.join(cases, 'db.user'),
        section: 'db',
        message: `section name differs only by case from [DB] of ${path.join(cases, 'DB.host')}`,
      },
      {
        code: 'DUPLICATE_KEY',
        file: path.join(cases, 'x.user'),
        section: 'x',
        key: 'user',
        message: `key differs only by case from "User" of ${path.join(cases, 'x.User')}`,
      },
      {
        code: 'RESERVED_NAME',
        file: path.join(cases, 'y.__proto__'),
        section: 'y',
        key: '__proto__',
        message: '"__proto__" is a reserved name',
      },
    ]);

    const twice = tempDir();
    writeFile(twice, 'db.password', 'a');
    mkdirSync(path.join(twice, 'db'));
    writeFile(twice, 'db/password', 'b');
    expect((await failure(readSecretsDirectory(twice, quiet))).problems).toEqual([
      {
        code: 'DUPLICATE_KEY',
        file: path.join(twice, 'db.password'),
        section: 'db',
        key: 'password',
        message: `duplicate key (also set by ${path.join(twice, 'db', 'password')})`,
      },
    ]);
  });
});

describe('readSecretsDirectory: values', () => {
  it.each([
    ['v\n', 'v'],
    ['v\n\n', 'v\n'],
    ['v\r\n', 'v'],
    ['v', 'v'],
    ['v\r', 'v\r'],
    ['\n', ''],
    ['', ''],
    [' v \n', ' v '],
  ])('strips exactly one trailing newline: %j → %j', async (content, expected) => {
    const dir = tempDir();
    writeFile(dir, 's.k', content);
    expect(values(await readSecretsDirectory(dir, quiet))).toEqual({ s: { k: expected } });
  });

  it('refuses a value that is not UTF-8, naming the file and never the value', async () => {
    const dir = tempDir();
    writeFile(dir, 's.k', Uint8Array.from([0x73, 0xff, 0x0a]));
    const error = await failure(readSecretsDirectory(dir, quiet));
    expect(error.problems).toEqual([
      {
        code: 'ENCODING',
        file: path.join(dir, 's.k'),
        line: 1,
        section: 's',
        key: 'k',
        message: 'invalid UTF-8: save the file as UTF-8',
      },
    ]);
  });

  it('refuses a value starting with a byte order mark rather than dropping it', async () => {
    const dir = tempDir();
    writeFile(dir, 's.k', Uint8Array.from([0xef, 0xbb, 0xbf, 0x70, 0x77]));
    const error = await failure(readSecretsDirectory(dir, quiet));
    expect(error.problems).toEqual([
      {
        code: 'ENCODING',
        file: path.join(dir, 's.k'),
        section: 's',
        key: 'k',
        message: 'starts with a byte order mark: save it as UTF-8 without one',
      },
    ]);
  });
});

describe('readSecretsDirectory: what is refused', () => {
  it('refuses a FIFO, a symbolic link, and a directory inside a section directory', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [path.join(dir, 'db.fifo')]);
    writeFileSync(path.join(dir, '..elsewhere'), 'x');
    symlinkSync('/etc/hostname', path.join(dir, 'db.link'));
    mkdirSync(path.join(dir, 'db', 'nested'), { recursive: true });
    const error = await failure(readSecretsDirectory(dir, quiet));
    expect(error.problems).toEqual([
      {
        code: 'FILE_UNREADABLE',
        file: path.join(dir, 'db', 'nested'),
        message: 'is a directory inside a section directory: only one level, <section>/<key>, is read',
      },
      {
        code: 'FILE_UNREADABLE',
        file: path.join(dir, 'db.fifo'),
        message: 'is not a regular file (a FIFO, socket or device)',
      },
      {
        code: 'FILE_UNREADABLE',
        file: path.join(dir, 'db.link'),
        message: 'is a symbolic link: only the links of the Kubernetes ..data layout are followed',
      },
    ]);
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a device (mknod needs root)', async () => {
    const dir = tempDir();
    execFileSync('mknod', [path.join(dir, 'db.null'), 'c', '1', '3']);
    expect((await failure(readSecretsDirectory(dir, quiet))).problems).toEqual([
      {
        code: 'FILE_UNREADABLE',
        file: path.join(dir, 'db.null'),
        message: 'is not a regular file (a FIFO, socket or device)',
      },
    ]);
  });

  it('refuses a missing directory and a file given as the directory', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'a.b', 'x');
    expect((await failure(readSecretsDirectory(path.join(dir, 'nope'), quiet))).problems).toEqual([
      { code: 'FILE_NOT_FOUND', file: path.join(dir, 'nope'), message: 'secrets directory not found' },
    ]);
    expect((await failure(readSecretsDirectory(file, quiet))).problems).toEqual([
      { code: 'FILE_UNREADABLE', file, message: 'is not a directory' },
    ]);
  });

  it('refuses a file over maxFileSize and files over maxDirectorySize', async () => {
    const dir = tempDir();
    writeFile(dir, 'a.big', 'x'.repeat(101));
    writeFile(dir, 'b.ok', 'x'.repeat(100));
    expect((await failure(readSecretsDirectory(dir, { ...quiet, maxFileSize: 100 }))).problems).toEqual([
      {
        code: 'FILE_TOO_LARGE',
        file: path.join(dir, 'a.big'),
        message: 'secret file is 101 bytes, larger than maxFileSize (100 bytes)',
      },
    ]);
    expect((await failure(readSecretsDirectory(dir, { ...quiet, maxDirectorySize: 200 }))).problems).toEqual([
      {
        code: 'FILE_TOO_LARGE',
        file: dir,
        message: 'secret files total more than maxDirectorySize (200 bytes)',
      },
    ]);
    expect(values(await readSecretsDirectory(dir, { ...quiet, maxDirectorySize: 201 }))).toMatchObject({
      a: { big: 'x'.repeat(101) },
    });
  });

  it('stops listing after maxEntries entries', async () => {
    const dir = tempDir();
    for (let i = 0; i < 5; i++) writeFile(dir, `s.k${i}`, 'v');
    expect((await failure(readSecretsDirectory(dir, { ...quiet, maxEntries: 4 }))).problems).toEqual([
      { code: 'FILE_TOO_LARGE', file: dir, message: 'holds more than 4 entries (maxEntries)' },
    ]);
  });

  it('warns once about files readable by group or others outside development and test', async () => {
    const dir = tempDir();
    writeFile(dir, 'db.password', 'x', 0o644);
    writeFile(dir, 'db.user', 'x', 0o600);
    writeFile(dir, 'db.host', 'x', 0o640);
    const production = await readSecretsDirectory(dir, { environment: 'production' });
    expect(production.warnings).toEqual([
      {
        code: 'INSECURE_MODE',
        file: dir,
        message:
          '2 secret files are accessible by group or others (db.host mode 0640, db.password mode 0644): run chmod 600 on the files (or chmod 700 ' +
          dir +
          ')',
      },
    ]);
    expect((await readSecretsDirectory(dir, { environment: 'development' })).warnings).toEqual([]);
    expect((await readSecretsDirectory(dir, { environment: 'test' })).warnings).toEqual([]);
  });
});

describe('readSecretsDirectory: Kubernetes and Docker layouts', () => {
  it('reads a Kubernetes secret volume through ..data, by the visible paths', async () => {
    const dir = tempDir();
    atomicWrite(dir, { 'db.password': 'pw-1\n', 'db.user': 'app', 'redis/url': 'redis://r' });
    const version = readlinkSync(path.join(dir, '..data'));
    expect(version).toMatch(/^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\w+$/);
    expect(readdirSync(dir).sort()).toEqual(['..data', version, 'db.password', 'db.user', 'redis'].sort());
    const result = await readSecretsDirectory(dir, { environment: 'production' });
    expect(values(result)).toEqual({ db: { password: 'pw-1', user: 'app' }, redis: { url: 'redis://r' } });
    expect(result.layout).toBe('kubernetes');
    expect(result.version).toBe(version);
    expect(result.sections.get('redis')?.get('url')?.origin).toEqual({
      kind: 'directory-file',
      path: path.join(dir, 'redis', 'url'),
    });
    // The kubelet's defaultMode is 0644: worth the warning outside development and test.
    expect(result.warnings).toEqual([
      {
        code: 'INSECURE_MODE',
        file: dir,
        message:
          '3 secret files are accessible by group or others (db.password mode 0644, db.user mode 0644, redis/url mode 0644): set defaultMode: 0400 on the secret volume',
      },
    ]);
  });

  it('reads the new version after a swap, also with keys added and removed', async () => {
    const dir = tempDir();
    atomicWrite(dir, { 'db.password': 'v1', 'db.user': 'app' }, 0o400);
    atomicWrite(dir, { 'db.password': 'v2', 'db.host': 'h' }, 0o400);
    expect(
      readdirSync(dir)
        .filter((n) => !n.startsWith('..'))
        .sort(),
    ).toEqual(['db.host', 'db.password']);
    const result = await readSecretsDirectory(dir, { environment: 'production' });
    expect(values(result)).toEqual({ db: { host: 'h', password: 'v2' } });
    expect(result.warnings).toEqual([]);
  });

  it('refuses a ..data that leads out of the directory and a visible entry that is not a link into ..data', async () => {
    const dir = tempDir();
    atomicWrite(dir, { 'db.password': 'v1' });
    writeFile(dir, 'db.extra', 'x');
    expect((await failure(readSecretsDirectory(dir, quiet))).problems).toEqual([
      {
        code: 'FILE_UNREADABLE',
        file: path.join(dir, 'db.extra'),
        message: 'is not the link ..data/db.extra: a directory with ..data is read through ..data only',
      },
    ]);
    const outside = tempDir();
    symlinkSync('/etc', path.join(outside, '..data'));
    expect((await failure(readSecretsDirectory(outside, quiet))).problems).toEqual([
      {
        code: 'FILE_UNREADABLE',
        file: path.join(outside, '..data'),
        message: 'links outside the directory: only a ..<timestamp> directory next to it is followed',
      },
    ]);
  });

  it('refuses a ..data whose ..<timestamp> is a link out of the directory, a file, or missing', async () => {
    const outside = tempDir();
    writeFile(outside, 'db.password', 'outside-value-1');
    const linked = tempDir();
    symlinkSync(outside, path.join(linked, '..2026_01_01'));
    symlinkSync('..2026_01_01', path.join(linked, '..data'));
    expect((await failure(readSecretsDirectory(linked, quiet))).problems).toEqual([
      {
        code: 'FILE_UNREADABLE',
        file: path.join(linked, '..data'),
        message:
          'links to ..2026_01_01, which is a symbolic link: only a ..<timestamp> directory next to it is followed',
      },
    ]);
    const file = tempDir();
    writeFile(file, '..2026_01_01', 'x');
    symlinkSync('..2026_01_01', path.join(file, '..data'));
    expect((await failure(readSecretsDirectory(file, quiet))).problems).toEqual([
      {
        code: 'FILE_UNREADABLE',
        file: path.join(file, '..data'),
        message: 'links to ..2026_01_01, which is not a directory',
      },
    ]);
    const dangling = tempDir();
    symlinkSync('..2026_01_01', path.join(dangling, '..data'));
    expect((await failure(readSecretsDirectory(dangling, quiet))).problems).toEqual([
      {
        code: 'FILE_UNREADABLE',
        file: path.join(dangling, '..data'),
        message: 'links to ..2026_01_01, which does not exist',
      },
    ]);
  });

  it("reads Docker's /run/secrets layout", async () => {
    const dir = path.join(tempDir(), 'run', 'secrets');
    dockerSecrets(dir, { 'db.password': 'pw-1\n', 'stripe.api_key': 'sk_test_1' });
    const result = await readSecretsDirectory(dir, { environment: 'production' });
    expect(values(result)).toEqual({ db: { password: 'pw-1' }, stripe: { api_key: 'sk_test_1' } });
    // Docker's default mode 0444 is readable by others.
    expect(result.warnings.map((w) => w.code)).toEqual(['INSECURE_MODE']);
  });
});
