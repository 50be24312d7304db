/**
 * class-validator's `validate`, without its promises when nothing is
 * asynchronous: `validate` waits on a `Promise.all` for every instance, which
 * was 7–9 % of a load; `validateSync` skips `async: true` constraints and
 * drops the result of any constraint that returns a promise, so it cannot
 * be used blindly. This runs class-validator's own executor (what both use)
 * and waits only when a constraint did return a promise.
 */
import type { ValidationError, ValidatorOptions } from 'class-validator';
import { classValidator } from './libraries';

interface Executor {
  awaitingPromises: Promise<unknown>[];
  ignoreAsyncValidations: boolean;
  execute(object: object, schema: string | undefined, errors: ValidationError[]): void;
  stripEmptyErrors(errors: ValidationError[]): ValidationError[];
}

type ExecutorClass = new (validator: unknown, options: ValidatorOptions) => Executor;

// `null`: this class-validator has no executor where 0.14 and 0.15 keep it; `validate` is used.
let executorClass: ExecutorClass | null | undefined;

function loadExecutor(): ExecutorClass | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const found = (require('class-validator/cjs/validation/ValidationExecutor') as { ValidationExecutor?: unknown })
      .ValidationExecutor;
    return typeof found === 'function' ? (found as ExecutorClass) : null;
  } catch {
    return null;
  }
}

/**
 * Validates `instance` as `validate(instance, options)` does, with the same
 * errors; synchronously (an array) when no constraint returned a promise,
 * else a promise of them.
 *
 * @throws whatever a constraint or message function throws (synchronously,
 *   or as the promise's rejection).
 */
export function validateInstance(
  instance: object,
  options: ValidatorOptions,
): ValidationError[] | Promise<ValidationError[]> {
  const { validate, Validator } = classValidator();
  if (executorClass === undefined) executorClass = loadExecutor();
  if (executorClass === null) return validate(instance, options);
  const executor = new executorClass(new Validator(), options);
  const errors: ValidationError[] = [];
  executor.execute(instance, undefined, errors);
  if (executor.awaitingPromises.length === 0) return executor.stripEmptyErrors(errors);
  return Promise.all(executor.awaitingPromises).then(() => executor.stripEmptyErrors(errors));
}
