/** Options checked at start-up, for loadSecrets and both module forms alike: never a value in the message. */
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { SecretsError, SecretsModule, loadSecrets, watchSecrets, type SecretsModuleOptions } from '../../lib';
import { FacebookSecrets } from './fixtures';

const VALUES = { facebook: { consumer_key: 'fb-key', consumer_secret: 'fb-secret-canary' } };

async function startFailure(imports: unknown[]): Promise<SecretsError> {
  @Module({ imports: imports as never[] })
  class AppModule {}
  const error = await Test.createTestingModule({ imports: [AppModule] })
    .compile()
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(SecretsError);
  return error as SecretsError;
}

describe('options: unknown names', () => {
  it('loadSecrets: a misspelled option is INVALID_OPTION with the likely name', async () => {
    const error = await loadSecrets({ enviroment: 'production', values: VALUES } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsError);
    expect((error as SecretsError).codes).toEqual(['INVALID_OPTION']);
    expect((error as SecretsError).message).toBe('unknown option "enviroment" (did you mean "environment"?)');
  });

  it('loadSecrets: a name like no option, and one that looks like a value, are named or not', async () => {
    const error = (await loadSecrets({
      colour: 'blue',
      sk_live_9fQ2xL7mP4vR8tZ1: 'x',
      values: VALUES,
    } as never).catch((e: unknown) => e)) as SecretsError;
    expect(error.message).toBe(
      'unknown option "colour"\nunknown option (its name is not shown: it looks like a value)',
    );
  });

  it('loadSecrets: an array is not an object of options', async () => {
    const error = (await loadSecrets([] as never).catch((e: unknown) => e)) as SecretsError;
    expect(error.message).toBe('options must be a plain object of options');
  });

  it('forRoot: a misspelled loading option or module option stops the start', async () => {
    const error = await startFailure([
      SecretsModule.forRoot({
        sections: [FacebookSecrets],
        values: VALUES,
        enviroment: 'production',
        isGlobl: false,
        logger: false,
      } as SecretsModuleOptions),
    ]);
    expect(error.message).toBe(
      'unknown option "enviroment" (did you mean "environment"?)\nunknown option "isGlobl" (did you mean "isGlobal"?)',
    );
  });

  it('forRootAsync: the factory result is checked the same way', async () => {
    const error = await startFailure([
      SecretsModule.forRootAsync({
        sections: [FacebookSecrets],
        useFactory: () => ({ values: VALUES, logger: false, wach: true }) as never,
      }),
    ]);
    expect(error.message).toBe('unknown option "wach" (did you mean "watch"?)');
  });

  it('watchSecrets: the same check, with watch among the suggestions', async () => {
    const error = (await watchSecrets({ values: VALUES, wach: {} } as never).catch((e: unknown) => e)) as SecretsError;
    expect(error.message).toBe('unknown option "wach" (did you mean "watch"?)');
  });
});

describe('options: not an object', () => {
  it.each([
    [42, 'a number'],
    ['production', 'a string'],
    [[], 'an array'],
    [undefined, 'undefined (a missing return?)'],
    [null, 'null'],
  ])('forRootAsync: a factory returning %j stops the start naming what it returned', async (returned, got) => {
    const error = await startFailure([
      SecretsModule.forRootAsync({ sections: [FacebookSecrets], useFactory: () => returned as never }),
    ]);
    expect(error.codes).toEqual(['INVALID_OPTION']);
    expect(error.message).toBe(
      `SecretsModule.forRootAsync()'s useFactory must return an object of options; got ${got}`,
    );
  });

  it('forRoot: null is refused when the module is defined', () => {
    expect(() => SecretsModule.forRoot(null as never)).toThrow(
      new SecretsError([
        { code: 'INVALID_OPTION', message: 'SecretsModule.forRoot() takes an object of options; got null' },
      ]),
    );
  });
});
