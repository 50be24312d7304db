import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretsError } from '../lib/errors';
import { locate } from '../lib/sources/locate';

function invalid(fn: () => unknown): SecretsError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError);
    return error as SecretsError;
  }
  throw new Error('expected a SecretsError');
}

describe('choosing the environment', () => {
  it('takes the environment option first', () => {
    expect(locate({ environment: 'staging', env: { NODE_ENV: 'production' } })).toMatchObject({
      environment: 'staging',
      environmentSource: { kind: 'option' },
    });
  });

  it('then the NODE_ENV variable', () => {
    expect(locate({ env: { NODE_ENV: 'production' } })).toMatchObject({
      environment: 'production',
      environmentSource: { kind: 'variable', variable: 'NODE_ENV' },
    });
  });

  it('then another variable when environmentVariable names it', () => {
    expect(locate({ environmentVariable: 'APP_ENV', env: { APP_ENV: 'test', NODE_ENV: 'production' } })).toMatchObject({
      environment: 'test',
      environmentSource: { kind: 'variable', variable: 'APP_ENV' },
    });
  });

  it("defaults to 'development' when the variable is unset or empty", () => {
    expect(locate({ env: {} })).toMatchObject({ environment: 'development', environmentSource: { kind: 'default' } });
    expect(locate({ env: { NODE_ENV: '' } })).toMatchObject({
      environment: 'development',
      environmentSource: { kind: 'default' },
    });
  });

  it('ignores inherited properties of the env object', () => {
    expect(locate({ environmentVariable: 'constructor', env: {} }).environment).toBe('development');
  });

  it.each(['../../etc/passwd', 'a..b', '.hidden', '-x', 'a/b', 'a b', 'é', '', 'prod\nuction'])(
    'rejects the environment name %j',
    (name) => {
      const error = invalid(() => locate({ environment: name, env: {} }));
      expect(error.codes).toEqual(['INVALID_ENVIRONMENT']);
      expect(error.message).toBe(
        `environment name ${JSON.stringify(name)} (set by the environment option) is invalid: use letters, digits, "_", "." and "-", starting with a letter or digit, without ".."`,
      );
    },
  );

  it('rejects an invalid name from the variable, saying where it came from', () => {
    expect(invalid(() => locate({ env: { NODE_ENV: '../x' } })).message).toContain(
      '"../x" (chosen by NODE_ENV) is invalid',
    );
  });

  it('checks the environment name also when the file is explicit', () => {
    expect(invalid(() => locate({ file: 'x.ini', environment: '../../etc/passwd', env: {} })).codes).toEqual([
      'INVALID_ENVIRONMENT',
    ]);
  });

  it.each(['production', 'test', 'eu-west.1_b', '0'])('accepts %j', (name) => {
    expect(locate({ environment: name, env: {} }).environment).toBe(name);
  });
});

describe('choosing the file', () => {
  it('derives <directory>/<environment>-secrets.ini', () => {
    expect(locate({ directory: '/srv/app', env: { NODE_ENV: 'production' } })).toMatchObject({
      file: '/srv/app/production-secrets.ini',
      fileSource: 'derived',
    });
  });

  it('defaults the directory to the working directory', () => {
    expect(locate({ env: {} }).file).toBe(path.join(process.cwd(), 'development-secrets.ini'));
  });

  it('takes SECRETS_FILE over the derived path, relative to the working directory', () => {
    expect(locate({ directory: '/srv', env: { SECRETS_FILE: 'conf/s.ini' } })).toMatchObject({
      file: path.join(process.cwd(), 'conf/s.ini'),
      fileSource: 'SECRETS_FILE',
    });
  });

  it('takes the file option over SECRETS_FILE', () => {
    expect(locate({ file: '/etc/app/s.ini', env: { SECRETS_FILE: '/other.ini' } })).toMatchObject({
      file: '/etc/app/s.ini',
      fileSource: 'option',
    });
  });

  it('ignores an empty SECRETS_FILE', () => {
    expect(locate({ directory: '/srv', env: { SECRETS_FILE: '' } }).fileSource).toBe('derived');
  });

  it('keeps spaces in a path exactly', () => {
    expect(locate({ file: '/tmp/ a.ini ', env: {} }).file).toBe('/tmp/ a.ini ');
  });
});
