import { IsInt, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadSecrets, SecretsError, SecretsSection, type LoadSecretsOptions } from '../lib';
import { tempDir, writeFile } from './helpers/tmp';
import { loadFailure } from './helpers/errors';

@SecretsSection('facebook')
class FacebookSecrets {
  @IsString() @IsNotEmpty() consumer_key!: string;
  @IsString() @IsNotEmpty() consumer_secret!: string;
}

@SecretsSection('authomatic.facebook', { optional: true })
class DottedSecrets {
  @IsString() consumer_key!: string;
}

@SecretsSection('database')
class DatabaseSecrets {
  @IsInt() port!: number;
  @IsOptional() @IsString() host?: string;
}

const INI = `[facebook]
consumer_key = k
consumer_secret = \${FB:-s}

[authomatic.facebook]
consumer_key = dotted

[unclaimed]
token = $TOKEN
`;

describe('loadSecrets', () => {
  it('loads the file through every stage', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'production-secrets.ini', INI);
    const secrets = await loadSecrets({
      sections: [FacebookSecrets, DottedSecrets],
      directory: dir,
      env: { NODE_ENV: 'production', FB: 'from-env', TOKEN: 't' },
    });
    expect(secrets.file).toBe(file);
    expect(secrets.environment).toBe('production');
    expect(secrets.environmentSource).toEqual({ kind: 'variable', variable: 'NODE_ENV' });
    expect(secrets.source).toBe('derived');
    expect(secrets.encrypted).toBe(false);
    expect(secrets.sectionNames).toEqual(['facebook', 'authomatic.facebook', 'unclaimed']);
    expect(secrets.section(FacebookSecrets)).toMatchObject({ consumer_key: 'k', consumer_secret: 'from-env' });
    expect(secrets.section(DottedSecrets)?.consumer_key).toBe('dotted');
  });

  it('get splits the path at the last dot; sections no DTO claims are available', async () => {
    const dir = tempDir();
    writeFile(dir, 'development-secrets.ini', INI);
    const secrets = await loadSecrets({ directory: dir, env: { TOKEN: 't' } });
    expect(secrets.get('authomatic.facebook.consumer_key')).toBe('dotted');
    expect(secrets.get('facebook.consumer_key')).toBe('k');
    expect(secrets.get('unclaimed.token')).toBe('t');
    expect(secrets.get('facebook.missing')).toBeUndefined();
    expect(secrets.get('facebook')).toBeUndefined();
    expect(secrets.get('.consumer_key')).toBeUndefined();
    expect(secrets.get('constructor.name')).toBeUndefined();
  });

  it('getOrThrow names the path when absent', async () => {
    const secrets = await loadSecrets({ values: { facebook: { consumer_key: 'k' } } });
    expect(secrets.getOrThrow('facebook.consumer_key')).toBe('k');
    expect(() => secrets.getOrThrow('facebook.consumer_secret')).toThrow(
      new SecretsError([
        {
          code: 'NOT_FOUND',
          section: 'facebook',
          key: 'consumer_secret',
          message: 'no such secret "facebook.consumer_secret"',
        },
      ]),
    );
    expect(() => secrets.getOrThrow('facebook')).toThrow('"facebook" is not a "<section>.<key>" path');
    expect(() => secrets.getOrThrow('facebook.')).toThrow('"facebook." is not a "<section>.<key>" path');
  });

  it('section() of a class that was not loaded is NOT_FOUND', async () => {
    const secrets = await loadSecrets({ values: {} });
    expect(() => secrets.section(FacebookSecrets)).toThrow(
      'FacebookSecrets was not loaded: add it to the sections option',
    );
  });

  it('returns null for an absent optional section from optionalSection; section() says to use it', async () => {
    const secrets = await loadSecrets({ sections: [DottedSecrets], values: {} });
    expect(secrets.optionalSection(DottedSecrets)).toBeNull();
    const error = (() => {
      try {
        secrets.section(DottedSecrets);
      } catch (e) {
        return e as SecretsError;
      }
    })();
    expect(error?.codes).toEqual(['NOT_FOUND']);
    expect(error?.message).toBe(
      'DottedSecrets is an optional section and is absent: read it with optionalSection(), which gives null',
    );
  });

  it('types section() as the DTO and optionalSection() as the DTO or null', async () => {
    const secrets = await loadSecrets({
      sections: [FacebookSecrets],
      values: { facebook: { consumer_key: 'k', consumer_secret: 's' } },
    });
    const facebook: FacebookSecrets = secrets.section(FacebookSecrets);
    const maybe: FacebookSecrets | null = secrets.optionalSection(FacebookSecrets);
    expect(facebook.consumer_key).toBe(maybe?.consumer_key);
  });

  it('values: reads no file, uses no process.env, and is not interpolated', async () => {
    const secrets = await loadSecrets({
      sections: [FacebookSecrets],
      values: { facebook: { consumer_key: '$HOME', consumer_secret: '${X:-y}' } },
    });
    expect(secrets.file).toBeNull();
    expect(secrets.source).toBe('values');
    expect(secrets.section(FacebookSecrets)).toMatchObject({ consumer_key: '$HOME', consumer_secret: '${X:-y}' });
  });

  it('overrides: applied per key after parsing, may add keys and sections, an overridden value is not interpolated', async () => {
    const dir = tempDir();
    writeFile(dir, 'development-secrets.ini', '[facebook]\nconsumer_key = k\nconsumer_secret = $UNSET\n');
    const secrets = await loadSecrets({
      sections: [FacebookSecrets, DatabaseSecrets],
      directory: dir,
      env: {},
      overrides: { facebook: { consumer_secret: '$NOT_INTERPOLATED' }, database: { port: '5432' } },
    });
    expect(secrets.section(FacebookSecrets)).toMatchObject({ consumer_key: 'k', consumer_secret: '$NOT_INTERPOLATED' });
    expect(secrets.section(DatabaseSecrets)?.port).toBe(5432);
  });

  it('overrides apply on top of values', async () => {
    const secrets = await loadSecrets({
      values: { facebook: { consumer_key: 'a' } },
      overrides: { facebook: { consumer_key: 'b' } },
    });
    expect(secrets.get('facebook.consumer_key')).toBe('b');
  });

  it('an explicit file is used exactly', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'custom.ini', '[facebook]\nconsumer_key = k\nconsumer_secret = s\n');
    const secrets = await loadSecrets({ file: path.relative(process.cwd(), file), env: { SECRETS_FILE: '/nope.ini' } });
    expect(secrets.file).toBe(file);
    expect(secrets.source).toBe('option');
  });

  it('SECRETS_FILE picks the file', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'custom.ini', '[a]\nb = c\n');
    const secrets = await loadSecrets({ env: { SECRETS_FILE: file } });
    expect([secrets.file, secrets.source, secrets.get('a.b')]).toEqual([file, 'SECRETS_FILE', 'c']);
  });

  it('raises maxFileSize on request', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'big.ini', `[a]\nb = ${'x'.repeat(2 * 1024 * 1024)}\n`);
    expect((await loadFailure({ file, env: {} })).codes).toEqual(['FILE_TOO_LARGE']);
    expect((await loadSecrets({ file, env: {}, maxFileSize: 3 * 1024 * 1024 })).get('a.b')).toHaveLength(
      2 * 1024 * 1024,
    );
  });

  it('stops at the first stage with problems and lists all of them', async () => {
    const dir = tempDir();
    writeFile(dir, 'development-secrets.ini', '[facebook]\nconsumer_key = $A\nconsumer_secret = $B\n');
    const error = await loadFailure({ sections: [FacebookSecrets], directory: dir, env: {} });
    expect(error.codes).toEqual(['UNSET_VARIABLE', 'UNSET_VARIABLE']);
  });

  it('a missing required section is MISSING_SECTION naming the file', async () => {
    const dir = tempDir();
    const file = writeFile(dir, 'development-secrets.ini', '[other]\nk = v\n');
    const error = await loadFailure({ sections: [FacebookSecrets], directory: dir, env: {} });
    expect(error.problems).toEqual([
      {
        code: 'MISSING_SECTION',
        file,
        section: 'facebook',
        message:
          "missing section: FacebookSecrets requires [facebook] (declare @SecretsSection('facebook', { optional: true }) if it may be absent)",
      },
    ]);
  });

  it.each([
    [{ sections: 'x' }, 'sections must be an array of DTO classes'],
    [{ sections: [1] }, 'sections must contain only classes'],
    [{ maxFileSize: 0 }, 'maxFileSize must be a positive whole number of bytes'],
    [{ maxFileSize: 1.5 }, 'maxFileSize must be a positive whole number of bytes'],
    [{ environmentVariable: '' }, 'environmentVariable must not be empty'],
    [{ env: null }, 'env must be an object of variables'],
    [{ values: [] }, 'values must be an object of sections'],
    [{ values: { a: 'x' } }, '[a]: values: a section must be an object of keys'],
    [{ overrides: { a: { b: 1 } } }, '[a] b: overrides: values must be strings (got number)'],
    [{ values: JSON.parse('{"__proto__": {"a": "b"}}') }, '[__proto__]: values: "__proto__" is a reserved name'],
    [null, 'options must be a plain object of options'],
  ])('rejects bad options: %j', async (options, message) => {
    const error = await loadFailure(options as LoadSecretsOptions);
    expect(error.message).toBe(message);
  });

  it('turns a throwing option getter into INVALID_OPTION', async () => {
    const options = {
      get values(): Record<string, Record<string, string>> {
        throw new Error('a getter that throws');
      },
    };
    expect((await loadFailure(options)).message).toBe('options must be a plain object of options');
  });

  it('reads values and overrides once: a getter cannot slip a different value past the check', async () => {
    let reads = 0;
    const keys = {
      get k() {
        reads++;
        return reads === 1 ? 'checked' : (42 as unknown as string);
      },
    };
    const secrets = await loadSecrets({ values: { s: keys } });
    expect([reads, secrets.get('s.k')]).toEqual([1, 'checked']);
  });

  it('never writes into env or process.env', async () => {
    const env = Object.freeze({ FB: 'x' });
    const before = JSON.stringify(process.env);
    const dir = tempDir();
    writeFile(dir, 'development-secrets.ini', INI);
    await loadSecrets({ sections: [FacebookSecrets], directory: dir, env: { ...env, TOKEN: 't' } });
    expect(JSON.stringify(process.env)).toBe(before);
  });

  it('printing the result shows where the secrets came from, never a value', async () => {
    const secrets = await loadSecrets({
      environment: 'test',
      values: { facebook: { consumer_key: 'visible-if-leaked' } },
    });
    expect(inspect(secrets)).toBe(
      "Secrets { file: null, environment: 'test', source: 'values', sections: [ 'facebook' ] }",
    );
    expect(JSON.stringify(secrets)).toBe(
      '{"file":null,"environment":"test","source":"values","sections":["facebook"]}',
    );
  });
});
