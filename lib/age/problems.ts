import { SecretsError, type SecretsProblem } from '../errors';

/** A problem of the age feature (codes `NO_IDENTITY`, `INVALID_IDENTITY`, `DECRYPTION_FAILED`, `INVALID_RECIPIENT`, `NO_RECIPIENTS`, …). */
export type AgeProblem = SecretsProblem;

/** A {@link SecretsError} of the age feature. */
export function ageError(...problems: AgeProblem[]): SecretsError {
  return new SecretsError(problems);
}
