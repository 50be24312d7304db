import { describe, expect, it } from 'vitest';
import { CliError, EXIT_USAGE } from '../lib/cli/context';
import { checkEnvMappings, parseEnvMapping, withVariables } from '../lib/cli/env-mappings';

describe('parseEnvMapping', () => {
  it('splits section.key at the last "." (sections may hold dots, keys never do)', () => {
    expect(parseEnvMapping('DATABASE_URL=database.url')).toEqual({
      name: 'DATABASE_URL',
      section: 'database',
      key: 'url',
    });
    expect(parseEnvMapping('FB_KEY=authomatic.facebook.consumer_key')).toEqual({
      name: 'FB_KEY',
      section: 'authomatic.facebook',
      key: 'consumer_key',
    });
    expect(parseEnvMapping('_x1=a-b.c:d')).toEqual({ name: '_x1', section: 'a-b', key: 'c:d' });
  });

  it('a right side ending in "." is usage (exit 2)', () => {
    // toThrow compares exitCode too.
    expect(() => parseEnvMapping('A=database.')).toThrow(
      new CliError(
        'exec: --env A: the part after "=" must be section.key, a key of the file (not a value)',
        EXIT_USAGE,
      ),
    );
  });
});

describe('checkEnvMappings: names compare ignoring case on Windows only', () => {
  const map = (...names: string[]) => names.map((name) => ({ name, section: 's', key: 'k' }));
  const message = (run: () => void) => {
    try {
      run();
      return 'no error';
    } catch (error) {
      return (error as CliError).message;
    }
  };
  const plain = { override: false, onlyMapped: false };

  it('posix: Path and PATH are two variables', () => {
    expect(message(() => checkEnvMappings(map('Db', 'DB'), {}, { ...plain, platform: 'linux' }))).toBe('no error');
    expect(message(() => checkEnvMappings(map('Path'), { PATH: '/bin' }, { ...plain, platform: 'linux' }))).toBe(
      'no error',
    );
    expect(message(() => checkEnvMappings(map('secret_x'), {}, { ...plain, platform: 'linux' }))).toBe('no error');
  });

  it('win32: Path and PATH are one variable', () => {
    expect(message(() => checkEnvMappings(map('Db', 'DB'), {}, { ...plain, platform: 'win32' }))).toBe(
      'exec: --env DB is given twice',
    );
    expect(message(() => checkEnvMappings(map('PATH'), { Path: 'C:\\bin' }, { ...plain, platform: 'win32' }))).toBe(
      'exec: --env PATH: the environment already has PATH; pass --override to replace it',
    );
    expect(message(() => checkEnvMappings(map('secret_x'), {}, { ...plain, platform: 'win32' }))).toBe(
      "exec: --env secret_x: names starting with SECRET_ are exec's own; choose another name or pass --only-mapped",
    );
  });
});

describe("withVariables: the child's environment", () => {
  it('posix keeps a variable that differs only in case; win32 replaces it', () => {
    expect(withVariables({ Path: '/old', HOME: '/h' }, { PATH: '/new' }, 'linux')).toEqual({
      Path: '/old',
      HOME: '/h',
      PATH: '/new',
    });
    expect(withVariables({ Path: 'C:\\old', HOME: 'C:\\h' }, { PATH: 'C:\\new' }, 'win32')).toEqual({
      HOME: 'C:\\h',
      PATH: 'C:\\new',
    });
  });
});
