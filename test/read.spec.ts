import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretsError } from '../lib/errors';
import { locate } from '../lib/sources/locate';
import { decodeUtf8, readSecrets } from '../lib/sources/read';
import { tempDir, writeFile } from './helpers/tmp';
import { failure } from './helpers/errors';

function decodeFailure(bytes: number[] | Uint8Array): SecretsError {
  try {
    decodeUtf8(Uint8Array.from(bytes), '/x.ini');
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError);
    return error as SecretsError;
  }
  throw new Error('expected a SecretsError');
}

const options = { maxFileSize: 1024, env: {} };

describe('readSecrets', () => {
  it('reads the derived file', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'production-secrets.ini', '[a]\nk = v\n');
    const read = await readSecrets(locate({ directory: dir, environment: 'production', env: {} }), options);
    expect(read).toEqual({ file, text: '[a]\nk = v\n', encrypted: false });
  });

  it('names the absolute path and how environment and file were chosen when the file is missing', async () => {
    const dir = tempDir();
    const error = await failure(readSecrets(locate({ directory: dir, env: { NODE_ENV: 'production' } }), options));
    const file = path.join(dir, 'production-secrets.ini');
    expect(error.problems).toEqual([
      {
        code: 'FILE_NOT_FOUND',
        file,
        message: `secrets file not found, nor ${file}.age (environment "production" chosen by NODE_ENV; file derived from the environment name)`,
      },
    ]);
  });

  it('reports a missing explicit file exactly as tried, spaces included', async () => {
    const dir = tempDir();
    const file = path.join(dir, ' spaced .ini ');
    const error = await failure(readSecrets(locate({ file, env: {} }), options));
    expect(error.message).toBe(
      `${file}: secrets file not found (environment "development" by default; file set by the file option)`,
    );
  });

  it('refuses a directory', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'test-secrets.ini'));
    const error = await failure(readSecrets(locate({ directory: dir, environment: 'test', env: {} }), options));
    expect(error.codes).toEqual(['FILE_UNREADABLE']);
    expect(error.problems[0].message).toBe(
      'is a directory, not a secrets file (environment "test" set by the environment option; file derived from the environment name)',
    );
  });

  it.skipIf(process.getuid?.() === 0)('reports an unreadable file', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'x.ini', '[a]\n');
    chmodSync(file, 0);
    expect((await failure(readSecrets(locate({ file, env: {} }), options))).codes).toEqual(['FILE_UNREADABLE']);
  });

  it('refuses a file larger than maxFileSize', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'x.ini', 'x'.repeat(1025));
    const error = await failure(readSecrets(locate({ file, env: {} }), options));
    expect(error.problems).toEqual([
      {
        code: 'FILE_TOO_LARGE',
        file,
        message:
          'secrets file is 1025 bytes, larger than maxFileSize (1024 bytes; environment "development" by default; file set by the file option)',
      },
    ]);
  });

  it('accepts a file of exactly maxFileSize bytes', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'x.ini', '#'.repeat(1024));
    expect((await readSecrets(locate({ file, env: {} }), options)).text).toHaveLength(1024);
  });

  it('says which file to delete when both plaintext and .age exist', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'production-secrets.ini', '[a]\n');
    writeFile(dir, 'production-secrets.ini.age', 'x');
    const error = await failure(readSecrets(locate({ directory: dir, environment: 'production', env: {} }), options));
    expect(error.problems[0]).toMatchObject({ code: 'AMBIGUOUS_FILE', file });
    expect(error.problems[0].message).toContain(`both this file and ${file}.age exist: delete the plaintext file`);
  });
});

describe('decodeUtf8', () => {
  it('drops one leading byte order mark', () => {
    expect(decodeUtf8(Uint8Array.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x61]))).toBe('\ufeffa');
  });

  it('keeps multi-byte characters', () => {
    expect(decodeUtf8(new TextEncoder().encode('ä€😀'))).toBe('ä€😀');
  });

  it('rejects UTF-16 by its byte order mark', () => {
    expect(decodeFailure([0xff, 0xfe, 0x5b, 0x00]).problems).toEqual([
      { code: 'ENCODING', file: '/x.ini', message: 'file is UTF-16 encoded: save it as UTF-8' },
    ]);
    expect(decodeFailure([0xfe, 0xff, 0x00, 0x5b]).codes).toEqual(['ENCODING']);
  });

  it('rejects UTF-16 without a byte order mark', () => {
    expect(decodeFailure([0x5b, 0x00, 0x61, 0x00]).problems).toEqual([
      { code: 'ENCODING', file: '/x.ini', line: 1, message: 'file looks UTF-16 encoded (NUL bytes): save it as UTF-8' },
    ]);
  });

  it('rejects a NUL byte, naming its line', () => {
    expect(decodeFailure([0x61, 0x0a, 0x62, 0x0d, 0x0a, 0x63, 0x0d, 0x64, 0x00]).problems).toEqual([
      { code: 'ENCODING', file: '/x.ini', line: 4, message: 'file contains a NUL byte' },
    ]);
  });

  it.each([
    ['a lone continuation byte', [0x0a, 0x80]],
    ['an overlong encoding', [0x0a, 0xc0, 0xaf]],
    ['a truncated sequence', [0x0a, 0xe2, 0x82]],
    ['an encoded surrogate', [0x0a, 0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0x0a, 0xf4, 0x90, 0x80, 0x80]],
    ['Latin-1 text', [0x0a, 0x63, 0x61, 0x66, 0xe9]],
  ])('rejects invalid UTF-8: %s', (_name, bytes) => {
    expect(decodeFailure(bytes).problems).toEqual([
      { code: 'ENCODING', file: '/x.ini', line: 2, message: 'invalid UTF-8: save the file as UTF-8' },
    ]);
  });
});

describe('readSecrets on files that are not plain files', () => {
  it('refuses a FIFO at once instead of blocking on it', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'production-secrets.ini');
    execFileSync('mkfifo', [fifo]);
    const error = await failure(readSecrets(locate({ file: fifo, env: {} }), options));
    expect(error.problems).toEqual([
      {
        code: 'FILE_UNREADABLE',
        file: fifo,
        message: 'is not a regular file (environment "development" by default; file set by the file option)',
      },
    ]);
  });

  it('reads a file to its end even when its reported size is smaller (0 for /proc files)', async () => {
    const read = await readSecrets(locate({ file: '/proc/self/status', env: {} }), {
      maxFileSize: 1024 * 1024,
      env: {},
    });
    expect(read.text.split('\n')[0]).toMatch(/^Name:\t/);
  });

  it('treats a dangling symlink as no file', async () => {
    const dir = tempDir();
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'production-secrets.ini'));
    writeFile(dir, 'production-secrets.ini.age', 'x');
    const error = await failure(readSecrets(locate({ directory: dir, environment: 'production', env: {} }), options));
    // The .age file was chosen (and is no age file).
    expect(error.problems.map((p) => [p.code, p.file])).toEqual([
      ['DECRYPTION_FAILED', path.join(dir, 'production-secrets.ini.age')],
    ]);
  });
});
