import { Transform, Type } from 'class-transformer';
import {
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MinLength,
  ValidateIf,
  ValidateNested,
  Validate,
  ValidateBy,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { describe, expect, it } from 'vitest';
import { NotSecret, SecretsSection } from '../lib/dto/decorators';
import { SecretsError, type SecretsProblem } from '../lib/errors';
import { buildSections, LeakCheck } from '../lib/dto/validate';
import { rawSections } from './helpers/raw-sections';

const FILE = '/srv/app/production-secrets.ini';

async function problems(classes: Function[], ini: string): Promise<SecretsProblem[]> {
  try {
    await buildSections(classes, rawSections(ini), FILE);
  } catch (error) {
    if (error instanceof SecretsError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a SecretsError');
}

const messages = async (classes: Function[], ini: string): Promise<string[]> =>
  (await problems(classes, ini)).map((p) => p.message);

describe('validation', () => {
  it('a failed rule is VALIDATION at the key line with class-validator wording', async () => {
    @SecretsSection('admin')
    class Admin {
      @IsEmail() email!: string;
    }
    expect(await problems([Admin], '[admin]\nemail = nobody')).toEqual([
      { code: 'VALIDATION', file: FILE, line: 2, section: 'admin', key: 'email', message: 'email must be an email' },
    ]);
  });

  it('every failed rule of every section is in one SecretsError', async () => {
    @SecretsSection('admin')
    class Admin {
      @IsEmail() @MinLength(20) email!: string;
    }
    @SecretsSection('smtp')
    class Smtp {
      @IsInt() port!: number;
      @IsIn(['tls', 'starttls']) security!: string;
    }
    expect(
      (await problems([Admin, Smtp], '[admin]\nemail = nobody\n[smtp]\nport = 2.5\nsecurity = none')).map((p) => [
        p.section,
        p.key,
        p.message,
      ]),
    ).toEqual([
      ['admin', 'email', 'email must be longer than or equal to 20 characters'],
      ['admin', 'email', 'email must be an email'],
      ['smtp', 'port', 'port must be an integer number'],
      ['smtp', 'security', 'security must be one of the following values: tls, starttls'],
    ]);
  });

  it('sections are validated even when another section failed conversion', async () => {
    @SecretsSection('admin')
    class Admin {
      @IsEmail() email!: string;
    }
    @SecretsSection('smtp')
    class Smtp {
      @IsInt() port!: number;
    }
    expect((await problems([Smtp, Admin], '[admin]\nemail = nobody\n[smtp]\nport = x')).map((p) => p.code)).toEqual([
      'CONVERSION',
      'VALIDATION',
    ]);
  });

  it('a property that failed conversion is not also reported by validation', async () => {
    @SecretsSection('smtp')
    class Smtp {
      @IsInt() port!: number;
      @IsEmail() from!: string;
    }
    expect((await problems([Smtp], '[smtp]\nport = x\nfrom = nobody')).map((p) => [p.code, p.key])).toEqual([
      ['CONVERSION', 'port'],
      ['VALIDATION', 'from'],
    ]);
  });

  it('a DTO without rules is NO_RULES, never "an unknown value was passed"', async () => {
    @SecretsSection('app')
    class App {
      @NotSecret() region!: string;
    }
    expect(await problems([App], '[app]\nregion = eu')).toEqual([
      {
        code: 'NO_RULES',
        section: 'app',
        message:
          'App has no validation rules: add class-validator decorators (e.g. @IsString()) to its properties, or @Allow() to accept a property as is',
      },
    ]);
  });

  it('@IsOptional() alone is not a rule', async () => {
    @SecretsSection('app')
    class App {
      @IsOptional() region?: string;
    }
    expect((await problems([App], '[app]')).map((p) => p.code)).toEqual(['NO_RULES']);
  });

  it('an undecorated class is INVALID_OPTION alongside the other problems', async () => {
    class Plain {
      @IsString() a!: string;
    }
    @SecretsSection('smtp')
    class Smtp {
      @IsInt() port!: number;
    }
    expect((await problems([Plain, Smtp], '[smtp]\nport = x')).map((p) => p.code)).toEqual([
      'INVALID_OPTION',
      'CONVERSION',
    ]);
  });

  it('runs async custom validators', async () => {
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
    @SecretsSection('app')
    class App {
      @Validate(IsKnownRegion) region!: string;
    }
    expect(await messages([App], '[app]\nregion = mars')).toEqual(['region is not a known region']);
  });

  it('a validator that throws is VALIDATION naming the error class only', async () => {
    @ValidatorConstraint({ name: 'explodes' })
    class Explodes implements ValidatorConstraintInterface {
      validate(value: string): boolean {
        throw new RangeError(`cannot handle ${value}`);
      }
    }
    @SecretsSection('app')
    class App {
      @Validate(Explodes) region!: string;
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

  it('returns deeply frozen instances of the DTO class on success', async () => {
    @SecretsSection('facebook')
    class Facebook {
      @IsString() consumer_key!: string;
      @IsString({ each: true }) scope!: string[];
    }
    const built = await buildSections(
      [Facebook, Facebook],
      rawSections('[facebook]\nconsumer_key = k\nscope = a, b'),
      FILE,
    );
    const facebook = built.get(Facebook) as Facebook;
    expect(built.size).toBe(1);
    expect(facebook).toBeInstanceOf(Facebook);
    expect([Object.isFrozen(facebook), Object.isFrozen(facebook.scope)]).toEqual([true, true]);
  });
});

describe('messages never show a value', () => {
  it('$value in a custom message is [REDACTED]', async () => {
    @SecretsSection('api')
    class Api {
      @Matches(/^sk_/, { message: '$property must start with sk_, got $value' }) key!: string;
    }
    expect(await messages([Api], '[api]\nkey = pk_live_1234')).toEqual(['key must start with sk_, got [REDACTED]']);
  });

  it('$constraint1 and $target are filled in', async () => {
    @SecretsSection('api')
    class Api {
      @MinLength(32, { message: '$target.$property needs $constraint1 characters' }) key!: string;
    }
    expect(await messages([Api], '[api]\nkey = short-key')).toEqual(['Api.key needs 32 characters']);
  });

  it('a message function gets redacted arguments', async () => {
    @SecretsSection('api')
    class Api {
      @IsString() id!: string;
      @Matches(/^sk_/, {
        message: (args: ValidationArguments) =>
          `${args.property}=${String(args.value)} (id ${(args.object as Api).id})`,
      })
      key!: string;
    }
    expect(await messages([Api], '[api]\nid = acct_1\nkey = pk_live_1234')).toEqual(['key=[REDACTED] (id [REDACTED])']);
  });

  it('a message that still contains part of a value falls back to the constraint name', async () => {
    let seen = '';
    @SecretsSection('api')
    class Api {
      @Transform(({ value }: { value: string }) => {
        seen = value;
        return value;
      })
      @Matches(/^sk_/, { message: () => `prefix was ${seen.slice(0, 6)}` })
      key!: string;
    }
    expect(await messages([Api], '[api]\nkey = pk_live_1234')).toEqual(['failed matches']);
  });

  it('a constraint equal to the value falls back to the constraint name', async () => {
    @SecretsSection('api')
    class Api {
      @IsIn(['changeme-not']) key!: string;
    }
    expect(await messages([Api], '[api]\nkey = changeme')).toEqual(['failed isIn']);
  });

  it('a message containing a whole 4- or 5-character value falls back too', async () => {
    @SecretsSection('app')
    class App {
      @Matches(/^eu-/, { message: 'region must not be mars' }) region!: string;
    }
    expect(await messages([App], '[app]\nregion = mars')).toEqual(['failed matches']);
  });

  it('values shorter than 4 characters are not looked for in messages', async () => {
    @SecretsSection('app')
    class App {
      @Matches(/^eu-/, { message: 'region must not be us' }) region!: string;
    }
    expect(await messages([App], '[app]\nregion = us')).toEqual(['region must not be us']);
  });

  it('of two rules of one kind, the failing one is reported', async () => {
    @SecretsSection('api')
    class Api {
      @Matches(/^sk_/, { message: 'must start with sk_' })
      @Matches(/_live_/, { message: 'must be a live key' })
      key!: string;
    }
    expect(await messages([Api], '[api]\nkey = sk_test_1234')).toEqual(['must be a live key']);
    expect(await messages([Api], '[api]\nkey = pk_live_1234')).toEqual(['must start with sk_']);
  });

  it('nested errors are flattened with their property path', async () => {
    class Credential {
      @IsString() @MinLength(8, { message: '$property is too short: $value' }) password!: string;
    }
    @SecretsSection('db')
    class Db {
      @Transform(({ value }: { value: string }) =>
        value.split(',').map((password) => Object.assign(new Credential(), { password })),
      )
      @ValidateNested({ each: true })
      @Type(() => Credential)
      users!: Credential[];
    }
    expect(await problems([Db], '[db]\nusers = longenough,x7qz')).toEqual([
      {
        code: 'VALIDATION',
        file: FILE,
        line: 2,
        section: 'db',
        key: 'users',
        message: 'users[1].password: password is too short: [REDACTED]',
      },
    ]);
  });
});

describe('message clean-up', () => {
  it('a value that contains a word of a name does not hide the message', async () => {
    @SecretsSection('facebook')
    class Facebook {
      @IsString() consumer_key!: string;
      @MinLength(64) consumer_secret!: string;
    }
    expect(
      await messages(
        [Facebook],
        '[facebook]\nconsumer_key = my-consumer-secret-key\nconsumer_secret = short-secret-value',
      ),
    ).toEqual(['consumer_secret must be longer than or equal to 64 characters']);
  });

  it('a missing value reports only isDefined, not every other rule', async () => {
    @SecretsSection('pair')
    class Pair {
      @IsOptional() @IsString() a?: string;
      @ValidateIf((o: Pair) => o.a !== undefined)
      @IsDefined({ message: '$property is empty while a is set' })
      @IsString()
      b?: string;
    }
    expect(await messages([Pair], '[pair]\na = x1\nb =')).toEqual(['b is empty while a is set']);
  });
});

describe('the message leak check', () => {
  // The rule: a value of 8 or more characters shows through any 4 consecutive
  // characters of it; a value of 4 to 7 characters only whole; shorter values
  // are not looked for. A message that shows a value is `failed <constraint>`.
  const KEY = 'pk_live_Zq8wJ3';

  /** A DTO whose rule fails with a message built from the real value by `quote`. */
  function quoting(quote: (value: string) => string) {
    let seen = '';
    @SecretsSection('api')
    class Api {
      @ValidateBy({
        name: 'isLiveKey',
        validator: {
          validate: (value: unknown) => {
            seen = String(value);
            return false;
          },
          defaultMessage: () => quote(seen),
        },
      })
      key!: string;
    }
    return Api;
  }

  it.each([
    ['its first 4 characters', (v: string) => `key starts with ${v.slice(0, 4)}`],
    ['its first 5 characters', (v: string) => `key starts with ${v.slice(0, 5)}`],
    ['4 characters from its middle', (v: string) => `key contains ${v.slice(5, 9)}`],
    ['its last 4 characters', (v: string) => `key ends with ${v.slice(-4)}`],
    ['the whole value', (v: string) => `key is ${v}`],
  ])('a message quoting %s falls back to the constraint name', async (_label, quote) => {
    expect(await messages([quoting(quote)], `[api]\nkey = ${KEY}`)).toEqual(['failed isLiveKey']);
  });

  it('3 characters of a long value, and a message built from names, are shown', async () => {
    expect(await messages([quoting((v) => `key starts with ${v.slice(0, 3)}`)], `[api]\nkey = ${KEY}`)).toEqual([
      'key starts with pk_',
    ]);
    @SecretsSection('facebook')
    class Facebook {
      @Matches(/^sk_/, { message: '$target.$property must be a live key, not $value' }) consumer_secret!: string;
    }
    // The value contains the property's name; names are taken out before the check.
    expect(await messages([Facebook], '[facebook]\nconsumer_secret = my_consumer_secret_value')).toEqual([
      'Facebook.consumer_secret must be a live key, not [REDACTED]',
    ]);
  });

  it('a @Validate constraint whose message quotes 5 characters of the value falls back', async () => {
    let seen = '';
    @ValidatorConstraint({ name: 'isProductionRegion' })
    class IsProductionRegion implements ValidatorConstraintInterface {
      validate(value: string): boolean {
        seen = value;
        return false;
      }
      defaultMessage(): string {
        return `region ${seen.slice(0, 5)}… is not a production region`;
      }
    }
    @SecretsSection('app')
    class App {
      @Validate(IsProductionRegion) region!: string;
    }
    expect(await messages([App], '[app]\nregion = ap-southeast-7')).toEqual(['failed isProductionRegion']);
  });

  it('contains: 4-character fragments of values of 8 or more characters, shorter values whole', () => {
    const check = new LeakCheck(rawSections('[s]\nlong = abcdefgh\nmedium = wxyz12\nshort = pqr\n'), [], ['s']);
    expect(
      Object.fromEntries(
        [
          'xx abcd xx',
          'xxefghxx',
          'xx bcd xx',
          'xx wxyz12 xx',
          'xx wxyz1 xx',
          'xx pqr xx',
          'xx [REDACTED] xx',
          'xx s xx',
        ].map((text) => [text, check.contains(text)]),
      ),
    ).toEqual({
      'xx abcd xx': true,
      xxefghxx: true,
      'xx bcd xx': false,
      'xx wxyz12 xx': true,
      'xx wxyz1 xx': false,
      'xx pqr xx': false,
      'xx [REDACTED] xx': false,
      'xx s xx': false,
    });
    expect([LeakCheck.FRAGMENT, LeakCheck.LONG]).toEqual([4, 8]);
  });
});
