/**
 * No representation of an error or of a loaded instance contains a secret or
 * a 6-character slice of one. Every value below is a random canary made at
 * test time; each fails in one of the ways the convert/validate stage can
 * fail. (Extend with the parser and interpolation stages' failures.)
 */
import { randomBytes, randomInt } from 'node:crypto';
import { format, inspect } from 'node:util';
import { instanceToPlain, Transform, Type } from 'class-transformer';
import {
  Equals,
  IsBoolean,
  IsEmail,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  MinLength,
  NotEquals,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { describe, expect, it } from 'vitest';
import { NotSecret, SecretsSection } from '../lib/dto/decorators';
import { SecretsError } from '../lib/errors';
import { buildSections } from '../lib/dto/validate';
import { rawSections } from './helpers/raw-sections';

const canaries: string[] = [];

/** A fresh random hex canary with at least one letter (so it is never a number). */
function canary(): string {
  let value: string;
  do value = randomBytes(12).toString('hex');
  while (/^\d+$/.test(value));
  canaries.push(value);
  return value;
}

/** A fresh random all-digit canary, for number fields. */
function digitCanary(): string {
  // 15 digits: always a safe integer.
  const value = String(randomInt(100_000_000, 999_999_999)) + String(randomInt(100_000, 999_999));
  canaries.push(value);
  return value;
}

/** The canaries and slices found in `text`, named by position only. */
function leaks(text: string): string[] {
  const found: string[] = [];
  canaries.forEach((value, index) => {
    for (let i = 0; i + 6 <= value.length; i++) {
      if (text.includes(value.slice(i, i + 6))) {
        found.push(`canary ${index} slice ${i}`);
        break;
      }
    }
  });
  return found;
}

function representations(error: SecretsError): Record<string, string> {
  return {
    message: error.message,
    stack: String(error.stack),
    inspect: inspect(error, { depth: null }),
    json: JSON.stringify(error),
    string: String(error),
    problems: JSON.stringify(error.problems),
  };
}

describe('canaries (convert/validate stage)', () => {
  it('no error of this stage shows any part of a value', async () => {
    const c = {
      port: canary(),
      flag: canary(),
      ports: canary(),
      big: canary(),
      when: canary(),
      other: canary(),
      known: canary(),
      unknown: canary(),
      present: canary(),
      dollar: canary(),
      fn: canary(),
      closure: canary(),
      closureMid: canary(),
      notEquals: canary(),
      equalsTarget: canary(),
      equals: canary(),
      emailA: canary(),
      emailB: canary(),
      nestedA: canary(),
      nestedB: canary(),
      json: canary(),
      shown: canary(),
      custom: canary(),
      thrown: canary(),
      messageThrows: canary(),
    };

    @SecretsSection('conversion')
    class Conversion {
      @IsNumber() port!: number;
      @IsBoolean() flag!: boolean;
      @Type(() => Number) @IsInt({ each: true }) ports!: number[];
      @IsOptional() big?: bigint;
      @IsOptional() when?: Date;
    }

    @SecretsSection('empty')
    class Empty {
      @IsString() token!: string;
      @IsString() other!: string;
    }

    @SecretsSection('unknown')
    class Unknown {
      @IsString() known!: string;
    }

    @SecretsSection('missing')
    class Missing {
      @IsString() present!: string;
      @IsString() absent!: string;
    }

    @SecretsSection('absent')
    class Absent {
      @IsString() anything!: string;
    }

    const captured: Record<string, string> = {};
    const capture = (key: string) =>
      Transform(({ value }: { value: string }) => {
        captured[key] = value;
        return value;
      });

    class Credential {
      @MinLength(1000, { message: '$property is too short: $value' }) password!: string;
    }

    @ValidatorConstraint({ name: 'echo' })
    class Echo implements ValidatorConstraintInterface {
      validate(): boolean {
        return false;
      }
      defaultMessage(args: ValidationArguments): string {
        return `echo ${String(args.value)} ${JSON.stringify(args.object)} ${captured.custom}`;
      }
    }

    @SecretsSection('validation')
    class Validation {
      @Matches(/^never$/, { message: '$property got $value' }) dollar!: string;
      @Matches(/^never$/, {
        message: (args: ValidationArguments) =>
          `got ${String(args.value)} ${String(args.value).slice(0, 6)} ${JSON.stringify(args.object)}`,
      })
      fn!: string;
      @capture('closure')
      @Matches(/^never$/, { message: () => `starts ${captured.closure!.slice(0, 6)}` })
      closure!: string;
      @capture('closureMid')
      @Matches(/^never$/, { message: () => `middle ${captured.closureMid!.slice(5, 11)}` })
      closureMid!: string;
      @NotEquals(c.notEquals) notEquals!: string;
      @IsString() equalsTarget!: string;
      @Equals(c.equalsTarget) equals!: string;
      @IsEmail({}, { each: true, message: 'each of $value must be an email' }) emails!: string[];
      @Transform(({ value }: { value: string }) =>
        value.split(',').map((password) => Object.assign(new Credential(), { password })),
      )
      @ValidateNested({ each: true })
      credentials!: Credential[];
      @Transform(({ value }: { value: string }) => JSON.parse(value)) @IsOptional() json?: unknown;
      @NotSecret() @Matches(/^never$/, { message: 'shown was $value' }) shown!: string;
      @capture('custom') @Validate(Echo) custom!: string;
    }

    @ValidatorConstraint({ name: 'explodes' })
    class Explodes implements ValidatorConstraintInterface {
      validate(value: string): boolean {
        throw new Error(`cannot handle ${value}`);
      }
    }

    @SecretsSection('throwing')
    class Throwing {
      @Validate(Explodes) thrown!: string;
    }

    @SecretsSection('throwingMessage')
    class ThrowingMessage {
      @capture('messageThrows')
      @Matches(/^never$/, {
        message: () => {
          throw new Error(`cannot describe ${captured.messageThrows}`);
        },
      })
      messageThrows!: string;
    }

    const raw = rawSections(`
[conversion]
port = ${c.port}
flag = ${c.flag}
ports = 7000, ${c.ports}
big = ${c.big}
when = ${c.when}
[empty]
token =
other = ${c.other}
[unknown]
known = ${c.known}
secert = ${c.unknown}
[missing]
present = ${c.present}
[validation]
dollar = ${c.dollar}
fn = ${c.fn}
closure = ${c.closure}
closureMid = ${c.closureMid}
notEquals = ${c.notEquals}
equalsTarget = ${c.equalsTarget}
equals = ${c.equals}
emails = ${c.emailA}, ${c.emailB}
credentials = ${c.nestedA},${c.nestedB}
json = ${c.json}
shown = ${c.shown}
custom = ${c.custom}
[throwing]
thrown = ${c.thrown}
[throwingMessage]
messageThrows = ${c.messageThrows}
`);

    let error: unknown;
    try {
      await buildSections(
        [Conversion, Empty, Unknown, Missing, Absent, Validation, Throwing, ThrowingMessage],
        raw,
        '/srv/secrets.ini',
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SecretsError);
    const secretsError = error as SecretsError;
    // Every way of failing is present, so the check below covers them all.
    expect(new Set(secretsError.codes)).toEqual(
      new Set(['CONVERSION', 'EMPTY_VALUE', 'UNKNOWN_KEY', 'MISSING_KEY', 'MISSING_SECTION', 'VALIDATION']),
    );
    expect(secretsError.problems.filter((p) => p.section === 'validation').map((p) => p.key)).toEqual([
      'json',
      'dollar',
      'fn',
      'closure',
      'closureMid',
      'notEquals',
      'equals',
      'emails',
      'credentials',
      'credentials',
      'shown',
      'custom',
    ]);
    expect(secretsError.problems.filter((p) => p.section?.startsWith('throwing')).map((p) => p.message)).toEqual([
      'validating Throwing threw Error (its message is not shown: it may quote a value)',
      'validating ThrowingMessage threw Error (its message is not shown: it may quote a value)',
    ]);
    expect('cause' in secretsError).toBe(false);
    for (const [name, text] of Object.entries(representations(secretsError))) {
      expect(leaks(text), name).toEqual([]);
    }
  });

  it('no representation of a loaded instance shows a secret', async () => {
    const c = { key: canary(), list: [canary(), canary()], port: digitCanary(), nested: canary() };

    class Inner {
      @IsString() token!: string;
    }

    @SecretsSection('service')
    class Service {
      @IsString() key!: string;
      @IsString({ each: true }) list!: string[];
      @IsInt() port!: number;
      @Transform(({ value }: { value: string }) => Object.assign(new Inner(), { token: value }))
      @ValidateNested()
      inner!: Inner;
      @NotSecret() @IsString() region!: string;
    }

    const built = await buildSections(
      [Service],
      rawSections(
        `[service]\nkey = ${c.key}\nlist = ${c.list.join(', ')}\nport = ${c.port}\ninner = ${c.nested}\nregion = eu`,
      ),
      '/srv/secrets.ini',
    );
    const service = built.get(Service) as Service;
    expect(service.inner.token).toBe(c.nested);
    const shown = {
      inspect: inspect(service, { depth: null }),
      format: format('%s %o %O %j', service, service, service, service),
      json: JSON.stringify(service),
      string: String(service),
      plain: JSON.stringify(instanceToPlain(service)),
      inspectPlain: inspect(instanceToPlain(service), { depth: null }),
    };
    for (const [name, text] of Object.entries(shown)) {
      expect(leaks(text), name).toEqual([]);
      expect(text, name).toContain('[REDACTED]');
      expect(text, name).toContain('eu');
    }
  });
});
