/** An options factory (or a getter of its result) that throws: the start-up error names it, never its message. */
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { SecretsError, SecretsModule } from '../../lib';
import { FacebookSecrets } from './fixtures';

const TOKEN = 'Zq9xLmP4vR7tK2wB8nY5';

async function startFailure(module: unknown): Promise<SecretsError> {
  const error = await Test.createTestingModule({ imports: [module as never] })
    .compile()
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(SecretsError);
  expect(JSON.stringify(error)).not.toContain(TOKEN);
  return error as SecretsError;
}

describe('forRootAsync: a throwing options factory', () => {
  it('useClass: createSecretsOptions throwing an Error that quotes a value', async () => {
    @Injectable()
    class SecretsConfig {
      createSecretsOptions(): never {
        throw new Error(`cannot use ${TOKEN}`);
      }
    }
    const error = await startFailure(
      SecretsModule.forRootAsync({ sections: [FacebookSecrets], useClass: SecretsConfig }),
    );
    expect(error.codes).toEqual(['INVALID_OPTION']);
    expect(error.message).toBe(
      'SecretsModule: SecretsConfig.createSecretsOptions() threw Error (its message is not shown: it may quote a value)',
    );
  });

  it('useFactory: an async factory rejecting with a TypeError that quotes a value', async () => {
    const error = await startFailure(
      SecretsModule.forRootAsync({
        sections: [FacebookSecrets],
        useFactory: () => Promise.reject(new TypeError(`bad ${TOKEN}`)),
      }),
    );
    expect(error.message).toBe(
      "SecretsModule: forRootAsync()'s useFactory threw TypeError (its message is not shown: it may quote a value)",
    );
  });

  it('useFactory: a result whose getter throws', async () => {
    const result = {
      env: {},
      get environment(): string {
        throw new Error(`no ${TOKEN}`);
      },
    };
    const error = await startFailure(
      SecretsModule.forRootAsync({ sections: [FacebookSecrets], useFactory: () => result }),
    );
    expect(error.message).toBe(
      "SecretsModule.forRootAsync()'s useFactory must return an object of options; reading it threw Error (its message is not shown: it may quote a value)",
    );
  });

  it('a SecretsError from the factory is passed on as it is', async () => {
    const own = new SecretsError([{ code: 'INVALID_OPTION', message: 'mine' }]);
    const error = await startFailure(
      SecretsModule.forRootAsync({
        sections: [FacebookSecrets],
        useFactory: () => {
          throw own;
        },
      }),
    );
    expect(error).toBe(own);
  });
});
