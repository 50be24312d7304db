/** `$VAR` reads the file named by `VAR_FILE` when `VAR` is unset (Docker's convention). */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecrets } from '../lib';
import type { Environment } from '../lib/environment-variables';
import { loadFailure } from './helpers/errors';
import { tempDir, writeFile } from './helpers/tmp';

/** Loads `[s]\nk = <value>` from a temp dir with `env` and returns k. */
async function load(dir: string, value: string, env: Environment): Promise<string | undefined> {
  writeFile(dir, 'test-secrets.ini', `[s]\nk = ${value}\n`);
  return (await loadSecrets({ directory: dir, environment: 'test', env })).get('s.k');
}

describe('VAR_FILE', () => {
  it('reads $VAR and ${VAR} from the file VAR_FILE names when VAR is unset, stripping one trailing newline', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'token', 'file-token-1\n\n');
    expect(await load(dir, 'x-$API_TOKEN-${API_TOKEN}', { API_TOKEN_FILE: file })).toBe(
      'x-file-token-1\n-file-token-1\n',
    );
  });

  it('reads a relative VAR_FILE from the working directory', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'token', 'file-token-2\r\n');
    expect(await load(dir, '$API_TOKEN', { API_TOKEN_FILE: path.relative(process.cwd(), file) })).toBe('file-token-2');
  });

  it('applies inside fallbacks, and an empty file is empty for :-', async () => {
    const dir = tempDir();
    const empty = writeFile(dir, 'empty', '\n');
    const fallback = writeFile(dir, 'fallback', 'file-fallback-1');
    const env = { PRIMARY_FILE: empty, SECONDARY_FILE: fallback };
    expect(await load(dir, '${PRIMARY:-$SECONDARY}', env)).toBe('file-fallback-1');
    expect(await load(dir, '${PRIMARY-$SECONDARY}', env)).toBe('');
  });

  it('VAR wins when VAR_FILE is not set; VAR_FILE is not consulted for a name that is not upper case', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'token', 'file-token-3');
    expect(await load(dir, '$API_TOKEN', { API_TOKEN: 'env-token' })).toBe('env-token');
    expect(await load(dir, '${lower:-fb}', { lower_FILE: file })).toBe('fb');
  });

  it('refuses VAR and VAR_FILE both set (NAME_COLLISION), also when VAR is empty, at the reference', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'token', 'file-token-4');
    const ini = writeFile(dir, 'test-secrets.ini', '[s]\nk = ${API_TOKEN:-fb}\n');
    const error = await loadFailure({
      directory: dir,
      environment: 'test',
      env: { API_TOKEN: '', API_TOKEN_FILE: file },
    });
    expect(error.problems).toEqual([
      {
        code: 'NAME_COLLISION',
        file: ini,
        line: 2,
        column: 5,
        section: 's',
        key: 'k',
        message: 'both API_TOKEN and API_TOKEN_FILE are set: unset one of them',
      },
    ]);
  });

  it('refuses a VAR_FILE naming a missing file (FILE_NOT_FOUND), a directory (FILE_UNREADABLE): naming the variable and the path', async () => {
    const dir = tempDir();
    const ini = writeFile(dir, 'test-secrets.ini', '[s]\nk = $API_TOKEN\nj = ${DB_PASSWORD:-fallback}\n');
    const missing = path.join(dir, 'missing');
    const error = await loadFailure({
      directory: dir,
      environment: 'test',
      env: { API_TOKEN_FILE: missing, DB_PASSWORD_FILE: dir },
    });
    expect(error.problems).toEqual([
      {
        code: 'FILE_NOT_FOUND',
        file: ini,
        line: 2,
        column: 5,
        section: 's',
        key: 'k',
        message: `API_TOKEN is not set and API_TOKEN_FILE names ${missing}, which was not found`,
      },
      {
        code: 'FILE_UNREADABLE',
        file: ini,
        line: 3,
        column: 5,
        section: 's',
        key: 'j',
        message: `DB_PASSWORD is not set and DB_PASSWORD_FILE names ${dir}, which is a directory`,
      },
    ]);
  });

  it('shows a VAR_FILE path only when written as one: a value pasted into VAR_FILE is not echoed', async () => {
    const dir = tempDir();
    writeFile(dir, 'test-secrets.ini', '[s]\nk = $API_TOKEN\nj = $DB_PASSWORD\n');
    const pasted = 'Zm9vYmFyLXBhc3RlZC12YWx1ZQ';
    const error = await loadFailure({
      directory: dir,
      environment: 'test',
      env: { API_TOKEN_FILE: pasted, DB_PASSWORD_FILE: './missing-file' },
    });
    expect(error.problems.map((p) => p.message)).toEqual([
      'API_TOKEN is not set and API_TOKEN_FILE names a relative path (not shown: only one starting with /, ./ or ../ is, as a value pasted there would be), which was not found',
      `DB_PASSWORD is not set and DB_PASSWORD_FILE names ${path.resolve('missing-file')}, which was not found`,
    ]);
    expect(JSON.stringify(error.problems) + error.message + String(error.stack)).not.toContain(pasted.slice(0, 4));
  });

  it('never reports a VAR_FILE behind a fallback that is not used', async () => {
    const dir = tempDir();
    expect(await load(dir, '${SET:-$BROKEN}', { SET: 'set-value', BROKEN_FILE: path.join(dir, 'missing') })).toBe(
      'set-value',
    );
  });

  it('refuses a file over maxFileSize and one that is not UTF-8, never showing its content', async () => {
    const dir = tempDir();
    const big = writeFile(dir, 'big', 'file-canary-big-1234-5678-9012-3456');
    const binary = writeFile(dir, 'binary', new Uint8Array([0x66, 0xff, 0xfe, 0x00]));
    writeFile(dir, 'test-secrets.ini', '[s]\nk = $BIG\nj = $BINARY\n');
    const error = await loadFailure({
      directory: dir,
      environment: 'test',
      maxFileSize: 30,
      env: { BIG_FILE: big, BINARY_FILE: binary },
    });
    expect(error.problems.map((p) => [p.code, p.message])).toEqual([
      ['FILE_TOO_LARGE', `BIG is not set and BIG_FILE names ${big}, which is larger than 30 bytes`],
      ['ENCODING', `BINARY is not set and BINARY_FILE names ${binary}, which is not UTF-8 text`],
    ]);
    expect(error.message).not.toContain('file-canary-big');
  });

  it('refuses a VAR_FILE starting with a byte order mark rather than dropping it', async () => {
    const dir = tempDir();
    const marked = writeFile(dir, 'marked', new Uint8Array([0xef, 0xbb, 0xbf, 0x70, 0x77, 0x0a]));
    writeFile(dir, 'test-secrets.ini', '[s]\nk = $MARKED\n');
    const error = await loadFailure({ directory: dir, environment: 'test', env: { MARKED_FILE: marked } });
    expect(error.problems.map((p) => [p.code, p.message])).toEqual([
      [
        'ENCODING',
        `MARKED is not set and MARKED_FILE names ${marked}, which starts with a byte order mark: save it as UTF-8 without one`,
      ],
    ]);
  });
});
