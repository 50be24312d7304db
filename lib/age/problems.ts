import { SecretsError, type SecretsErrorCode, type SecretsProblem } from '../errors';

/**
 * Codes this feature reports beyond those already in `SECRETS_ERROR_CODES`:
 * - `INVALID_IDENTITY`: an identity (option, `SECRETS_AGE_KEY`, identity file)
 *   has a line that is not an X25519 age identity;
 * - `INVALID_RECIPIENT`: a `.age-recipients` line or `--recipient` is not an
 *   X25519 age recipient;
 * - `NO_RECIPIENTS`: there is nobody to encrypt to.
 *
 * Requested for `lib/errors.ts` (owned elsewhere); until they are listed
 * there this is the one place that widens the type.
 */
export type AgeErrorCode = 'INVALID_IDENTITY' | 'INVALID_RECIPIENT' | 'NO_RECIPIENTS';

export type AgeProblem = Omit<SecretsProblem, 'code'> & { readonly code: SecretsErrorCode | AgeErrorCode };

/** A {@link SecretsError} that may carry the codes of {@link AgeErrorCode}. */
export function ageError(...problems: AgeProblem[]): SecretsError {
  return new SecretsError(problems as SecretsProblem[]);
}
