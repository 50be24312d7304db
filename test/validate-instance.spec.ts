import { Transform, Type } from 'class-transformer';
import {
  IsString,
  MinLength,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { describe, expect, it } from 'vitest';
import { SecretsSection } from '../lib/dto/decorators';
import { validateInstance } from '../lib/dto/validate-instance';
import { buildSections } from '../lib/dto/validate';
import { SecretsError, type SecretsProblem } from '../lib/errors';
import { rawSections } from './helpers/raw-sections';

const FILE = '/srv/app/production-secrets.ini';
const OPTIONS = { validationError: { target: false, value: false }, forbidUnknownValues: false };

@ValidatorConstraint({ name: 'isKnownRegion', async: true })
class IsKnownRegion implements ValidatorConstraintInterface {
  async validate(value: string): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return value === 'eu';
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} is not a known region`;
  }
}

// Not declared `async: true`, yet returns a promise: class-validator's
// `validateSync` would drop its result (the rule would pass unseen).
@ValidatorConstraint({ name: 'isFreeName' })
class IsFreeName implements ValidatorConstraintInterface {
  validate(value: string): Promise<boolean> {
    return Promise.resolve(value !== 'occupied-name');
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} is not free`;
  }
}

async function problems(classes: Function[], ini: string): Promise<SecretsProblem[]> {
  try {
    await buildSections(classes, rawSections(ini), FILE);
  } catch (error) {
    if (error instanceof SecretsError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a SecretsError');
}

describe('validateInstance: without promises unless a constraint is asynchronous', () => {
  it('a DTO with only synchronous rules is validated synchronously: the errors, not a promise', () => {
    class Smtp {
      @IsString() @MinLength(12) password = 'short';
    }
    const errors = validateInstance(new Smtp(), OPTIONS);
    expect(errors).toBeInstanceOf(Array);
    expect((errors as { constraints?: object }[]).map((e) => e.constraints)).toEqual([
      { minLength: 'password must be longer than or equal to 12 characters' },
    ]);
  });

  it('an `async: true` constraint is awaited: a promise of the same errors validate() gives', async () => {
    class App {
      @Validate(IsKnownRegion) region = 'mars';
    }
    const errors = validateInstance(new App(), OPTIONS);
    expect(errors).toBeInstanceOf(Promise);
    expect((await errors).map((e) => e.constraints)).toEqual([{ isKnownRegion: 'region is not a known region' }]);
  });

  it('a constraint returning a promise without declaring async is still awaited and reported', async () => {
    @SecretsSection('app')
    class App {
      @Validate(IsFreeName) name!: string;
    }
    expect(await problems([App], '[app]\nname = occupied-name')).toEqual([
      { code: 'VALIDATION', file: FILE, line: 2, section: 'app', key: 'name', message: 'name is not free' },
    ]);
  });

  it('an async rule in a nested object fails the section with its exact message', async () => {
    class Region {
      @Validate(IsKnownRegion) region!: string;
    }
    @SecretsSection('app')
    class App {
      @Transform(({ value }: { value: string }) => Object.assign(new Region(), { region: value }))
      @ValidateNested()
      @Type(() => Region)
      primary!: Region;
    }
    expect(await problems([App], '[app]\nprimary = mars')).toEqual([
      {
        code: 'VALIDATION',
        file: FILE,
        line: 2,
        section: 'app',
        key: 'primary',
        message: 'primary.region: region is not a known region',
      },
    ]);
  });

  it('an async validator that rejects is VALIDATION naming the error class only', async () => {
    @ValidatorConstraint({ name: 'rejects', async: true })
    class Rejects implements ValidatorConstraintInterface {
      async validate(value: string): Promise<boolean> {
        throw new RangeError(`cannot handle ${value}`);
      }
    }
    @SecretsSection('app')
    class App {
      @Validate(Rejects) region!: string;
    }
    expect(await problems([App], '[app]\nregion = mars')).toEqual([
      {
        code: 'VALIDATION',
        file: FILE,
        line: 1,
        section: 'app',
        message: 'validating App threw RangeError (its message is not shown: it may quote a value)',
      },
    ]);
  });

  it('sections with async and synchronous rules are all reported, in class order', async () => {
    @SecretsSection('app')
    class App {
      @Validate(IsKnownRegion) region!: string;
    }
    @SecretsSection('smtp')
    class Smtp {
      @IsString() @MinLength(12) password!: string;
    }
    expect(
      (await problems([App, Smtp], '[app]\nregion = mars\n[smtp]\npassword = short')).map((p) => p.message),
    ).toEqual(['region is not a known region', 'password must be longer than or equal to 12 characters']);
  });
});
