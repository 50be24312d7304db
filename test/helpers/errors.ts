import { expect } from 'vitest';
import { SecretsError } from '../../lib/errors';
import { loadSecrets, type LoadSecretsOptions } from '../../lib/load-secrets';

/** The SecretsError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<SecretsError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError);
    return error as SecretsError;
  }
  throw new Error('expected a SecretsError');
}

/** The SecretsError `loadSecrets(options)` rejects with. */
export function loadFailure(options: LoadSecretsOptions): Promise<SecretsError> {
  return failure(loadSecrets(options));
}
