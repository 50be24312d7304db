/** Options that are not what they look like: never a value in the message, never a silent default load. */
import { describe, expect, it } from 'vitest';
import { SecretsError, SecretsModule, loadSecrets } from '../../lib';

const TOKEN = 'Zq9xLmP4vR7tK2wB8nY5';

async function loadFailure(options: unknown): Promise<SecretsError> {
  const error = await loadSecrets(options as never).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SecretsError);
  return error as SecretsError;
}

describe('values/overrides: a section name that looks like a value is not shown', () => {
  it('values: a pasted token as a section name, with a non-object value', async () => {
    const error = await loadFailure({ env: {}, values: { [TOKEN]: 'x' } });
    expect(error.message).toBe('values: a section must be an object of keys');
    expect(error.problems).toEqual([
      { code: 'INVALID_OPTION', message: 'values: a section must be an object of keys' },
    ]);
  });

  it('overrides: a base64 section name with a non-string value', async () => {
    const name = 'abc=def+ghi/jk==';
    const error = await loadFailure({ env: {}, values: { a: {} }, overrides: { [name]: { k: 1 } } });
    expect(error.message).toBe('k: overrides: values must be strings (got number)');
    expect(JSON.stringify(error)).not.toContain(name);
  });

  it('a name-like section is still shown', async () => {
    const error = await loadFailure({ env: {}, values: { facebook: 'x' } });
    expect(error.message).toBe('[facebook]: values: a section must be an object of keys');
  });
});

describe('options that a spread would empty: refused, not loaded with the defaults', () => {
  it.each([
    [Promise.resolve({ environment: 'production' }), 'a Promise (a missing await?)'],
    [new Map([['environment', 'production']]), 'a Map'],
    [new Set(['production']), 'a Set'],
  ])('loadSecrets(%o)', async (options, got) => {
    const error = await loadFailure(options);
    expect(error.codes).toEqual(['INVALID_OPTION']);
    expect(error.message).toBe(`options must be a plain object of options; got ${got}`);
  });

  it('forRoot: a Promise of options (a missing await) is refused when the module is defined', () => {
    const pending = Promise.resolve({ environment: 'production' });
    expect(() => SecretsModule.forRoot(pending as never)).toThrow(
      new SecretsError([
        {
          code: 'INVALID_OPTION',
          message: 'SecretsModule.forRoot() takes an object of options; got a Promise (a missing await?)',
        },
      ]),
    );
  });

  it('a class instance and an Object.create(null) object are still options', async () => {
    class Options {
      env = {};
      values = { a: { k: 'v' } };
    }
    expect((await loadSecrets(new Options())).get('a.k')).toBe('v');
    const bare = Object.assign(Object.create(null) as object, { env: {}, values: { a: { k: 'w' } } });
    expect((await loadSecrets(bare)).get('a.k')).toBe('w');
  });
});

describe('an unknown option whose name is a hex token', () => {
  it('is not shown', async () => {
    const error = await loadFailure({ env: {}, values: {}, deadbeefcafe0123456789abcdef0123456789ab: 'x' });
    expect(error.message).toBe('unknown option (its name is not shown: it looks like a value)');
  });
});

describe('section() / optionalSection(): a class with an odd name', () => {
  class Plain {}
  const odd = (name: PropertyDescriptor): typeof Plain => {
    const C = class {};
    Object.defineProperty(C, 'name', name);
    return C;
  };

  it.each([
    [
      'a name getter that throws',
      {
        get: () => {
          throw new Error(`x ${TOKEN}`);
        },
      },
    ],
    ['a name that is an object', { value: { toString: (): string => TOKEN } }],
    ['an empty name', { value: '' }],
  ])('%s: "this class"', async (_label, descriptor) => {
    const secrets = await loadSecrets({ env: {}, values: {} });
    const dto = odd(descriptor);
    expect(() => secrets.section(dto)).toThrow(
      new SecretsError([{ code: 'NOT_FOUND', message: 'this class was not loaded: add it to the sections option' }]),
    );
    expect(() => secrets.optionalSection(dto)).toThrow('this class was not loaded: add it to the sections option');
  });

  it('a plain class is named', async () => {
    const secrets = await loadSecrets({ env: {}, values: {} });
    expect(() => secrets.section(Plain)).toThrow('Plain was not loaded: add it to the sections option');
  });
});
