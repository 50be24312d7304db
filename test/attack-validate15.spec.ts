import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  Equals,
  IsInt,
  IsOptional,
  IsString,
  Min,
  MinLength,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatePromise,
  ValidatorConstraint,
  validate,
  type ValidationArguments,
  type ValidationError,
  type ValidatorConstraintInterface,
  type ValidatorOptions,
} from 'class-validator';
import { describe, expect, it } from 'vitest';
import { validateInstance } from '../lib/dto/validate-instance';

@ValidatorConstraint({ name: 'slowEu', async: true })
class SlowEu implements ValidatorConstraintInterface {
  async validate(value: unknown): Promise<boolean> {
    await new Promise((resolve) => setTimeout(resolve, 2));
    return value === 'eu';
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} is not eu`;
  }
}

// Returns a promise without declaring `async: true`.
@ValidatorConstraint({ name: 'quietEu' })
class QuietEu implements ValidatorConstraintInterface {
  validate(value: unknown): Promise<boolean> {
    return Promise.resolve(value === 'eu');
  }
}

// A thenable that is not a Promise: class-validator treats any object with `then` as one.
@ValidatorConstraint({ name: 'thenableEu' })
class ThenableEu implements ValidatorConstraintInterface {
  validate(value: unknown): Promise<boolean> {
    const thenable = { then: (resolve: (result: boolean) => unknown) => resolve(value === 'eu') };
    return thenable as unknown as Promise<boolean>;
  }
}

@ValidatorConstraint({ name: 'throws' })
class Throws implements ValidatorConstraintInterface {
  validate(): boolean {
    throw new RangeError('thrown by the rule');
  }
}

class Region {
  @Validate(SlowEu) name: unknown;
  @IsInt() @Min(1) zone: unknown;
}

class Mixed {
  @IsString() @MinLength(3) a: unknown;
  @Validate(QuietEu) b: unknown;
  @Validate(ThenableEu) c: unknown;
  @Validate(SlowEu, { each: true }) d: unknown;
  @ValidateNested({ each: true }) @Type(() => Region) regions: unknown;
  @IsOptional() @IsInt() e: unknown;
  @ValidateIf((o: Mixed) => o.a === 'check') @Equals('x') f: unknown;
  @IsInt({ groups: ['strict'] }) @IsString({ groups: ['loose'] }) g: unknown;
  @IsInt({ always: true }) h: unknown;
  @ValidatePromise() @IsInt() p: unknown;
}

function region(name: unknown, zone: unknown): Region {
  return Object.assign(new Region(), { name, zone });
}

const VALUES: readonly Record<string, unknown>[] = [
  {},
  { a: 'ab', b: 'us', c: 'us', d: ['eu', 'us', 'mars'], regions: [region('us', 0), region('eu', 2)] },
  { a: 'check', b: 'eu', c: 'eu', d: [], regions: [], e: 'x', f: 'y', g: 1, h: 1, p: Promise.resolve('no') },
  { a: 'abcd', b: 'eu', c: 'eu', d: ['eu'], regions: [region('eu', 1)], e: 3, g: 'x', h: 'x', p: Promise.resolve(2) },
  { a: 5, regions: region('us', 'z'), d: 'eu' },
];

const OPTIONS: readonly ValidatorOptions[] = [
  { validationError: { target: false, value: false }, forbidUnknownValues: false },
  { forbidUnknownValues: false },
  { groups: ['strict'], forbidUnknownValues: false },
  { groups: ['loose'], always: true, forbidUnknownValues: false },
  { groups: ['strict'], strictGroups: true, forbidUnknownValues: false },
  { skipMissingProperties: true, forbidUnknownValues: false },
  { stopAtFirstError: true, forbidUnknownValues: false },
  { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false },
  { dismissDefaultMessages: true, forbidUnknownValues: false },
];

/** The errors as plain data (a ValidationError's `target`/`value` may be a class instance or a promise). */
function plain(errors: readonly ValidationError[]): unknown {
  return JSON.parse(
    JSON.stringify(errors, (key, value: unknown) => (value instanceof Promise ? 'a promise' : value)),
  ) as unknown;
}

describe("validateInstance gives validate()'s errors, in its order, for every DTO and option", () => {
  for (const [v, values] of VALUES.entries()) {
    for (const [o, options] of OPTIONS.entries()) {
      it(`values #${v}, options #${o}`, async () => {
        const make = () => Object.assign(new Mixed(), values, { extra: 1 });
        const expected = plain(await validate(make(), options));
        expect(plain(await validateInstance(make(), options))).toEqual(expected);
      });
    }
  }

  it('only synchronous rules failing: an array, not a promise, equal to validate()', async () => {
    class Smtp {
      @IsString() @MinLength(12) password: unknown = 'short';
      @IsInt() port: unknown = 'x';
    }
    const options = { forbidUnknownValues: false };
    const errors = validateInstance(new Smtp(), options);
    expect(Array.isArray(errors)).toBe(true);
    expect(plain(errors as ValidationError[])).toEqual(plain(await validate(new Smtp(), options)));
  });

  it('a rule that throws synchronously throws the same error from both, synchronously', () => {
    class App {
      @Validate(Throws) region: unknown = 'eu';
    }
    expect(() => validate(new App(), {})).toThrow(new RangeError('thrown by the rule'));
    expect(() => validateInstance(new App(), {})).toThrow(new RangeError('thrown by the rule'));
  });
});

describe('the table above is not vacuous', () => {
  it('values #1 fail async, quiet-promise, thenable, each and nested rules: their constraints, in order', async () => {
    const errors = await validateInstance(Object.assign(new Mixed(), VALUES[1]), OPTIONS[0]!);
    expect(
      errors.map((e) => [e.property, e.constraints, e.children?.map((c) => [c.property, c.children?.length])]),
    ).toEqual([
      ['a', { minLength: 'a must be longer than or equal to 3 characters' }, []],
      // A constraint class without defaultMessage: class-validator 0.15's message is ''.
      ['b', { quietEu: '' }, []],
      ['c', { thenableEu: '' }, []],
      ['d', { slowEu: 'd is not eu' }, []],
      ['regions', undefined, [['0', 2]]],
      ['g', { isString: 'g must be a string', isInt: 'g must be an integer number' }, []],
      ['h', { isInt: 'h must be an integer number' }, []],
      ['p', { isInt: 'p must be an integer number' }, []],
    ]);
  });
});
