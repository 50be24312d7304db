/**
 * Environment names on the command line, checked as the loader checks them.
 */
import { InvalidArgumentError } from 'commander';
import { SecretsError } from '../errors';
import { chooseEnvironment } from '../sources/locate';

/** One environment name (commander argument parser); a comma list is refused. */
export function parseEnvironment(value: string): string {
  if (value.includes(',')) throw new InvalidArgumentError('this command takes one environment, not a list.');
  return validEnvironment(value.trim());
}

/** A comma list of environment names, deduplicated, each checked as the loader does. */
export function parseEnvironmentList(value: string): string[] {
  const names = [
    ...new Set(
      value
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== ''),
    ),
  ];
  if (names.length === 0) throw new InvalidArgumentError('give at least one environment name.');
  return names.map(validEnvironment);
}

function validEnvironment(name: string): string {
  try {
    return chooseEnvironment({ environment: name, env: {} }).environment;
  } catch (error) {
    if (error instanceof SecretsError) throw new InvalidArgumentError(error.problems[0]!.message);
    throw error;
  }
}
