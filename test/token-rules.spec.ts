import { Transform } from 'class-transformer';
import {
  Allow,
  IsAlphanumeric,
  IsByteLength,
  IsDefined,
  IsHexadecimal,
  IsLowercase,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  MinLength,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { describe, expect, it } from 'vitest';
import { planDtoTemplate, type SectionPlan } from '../lib/cli/dto-template';
import { drawToken, type KeyPlan, type TokenPlan } from '../lib/cli/token-rules';
import { NotSecret, SecretsSection } from '../lib/dto/decorators';

/** The plan of each key of the one section `classes` claim, without the `accepts` function. */
function plans(...classes: Function[]): Record<string, Omit<TokenPlan, 'accepts'> | KeyPlan> {
  const [section] = planDtoTemplate(classes as never).sections as readonly SectionPlan[];
  return Object.fromEntries(
    section!.keys.map(({ key, plan }) => {
      if (plan.kind === 'fill') return [key, plan];
      const { accepts: _accepts, ...shape } = plan;
      return [key, shape];
    }),
  );
}

const token = (encoding: 'hex' | 'base64url', length: number) => ({ kind: 'token', encoding, length });
const fill = (reason: string, optional = false) => ({ kind: 'fill', reason, optional });

describe('init --sections: which keys get a token, of which shape', () => {
  it('length rules move the 40-character default into their bounds; IsByteLength and Length count too', () => {
    @SecretsSection('lengths')
    class Lengths {
      @IsString() plain!: string;
      @MinLength(41) longer!: string;
      @MaxLength(39) shorter!: string;
      @Length(16, 16) exact!: string;
      @IsByteLength(100, 200) bytes!: string;
      @MinLength(30) @MaxLength(20) impossible!: string;
      @MaxLength(15) tooShort!: string;
      @MinLength(2049) tooLong!: string;
    }
    const bounds = 'length rules allow no token of 16 to 2048 characters';
    expect(plans(Lengths)).toEqual({
      plain: token('hex', 40),
      longer: token('hex', 41),
      shorter: token('hex', 39),
      exact: token('hex', 16),
      bytes: token('hex', 100),
      impossible: fill(bounds),
      tooShort: fill(bounds),
      tooLong: fill(bounds),
    });
  });

  it('the alphabet: hex when the rules accept hex, base64url when only that passes, else fill in', () => {
    @SecretsSection('alphabets')
    class Alphabets {
      @IsHexadecimal() hex!: string;
      @IsAlphanumeric() @IsLowercase() lower!: string;
      @IsDefined() @Allow() @IsString() allowed!: string;
      @Matches(/[A-Z]/) capital!: string;
      @Matches(/^[A-Za-z0-9_-]+$/) urlSafe!: string;
      @Matches(/[A-Z]/) @IsAlphanumeric() capitalAlphanumeric!: string;
      @Matches(/^[0-9]+$/) digits!: string;
    }
    expect(plans(Alphabets)).toEqual({
      hex: token('hex', 40),
      lower: token('hex', 40),
      allowed: token('hex', 40),
      capital: token('base64url', 40),
      urlSafe: token('hex', 40),
      // base64url has - and _ in most 40-character tokens: not every sample passes.
      capitalAlphanumeric: fill('no hex or base64url token passes rules: isAlphanumeric, matches'),
      digits: fill('no hex or base64url token passes rules: matches'),
    });
  });

  it('not secret, optional, transformed, a list, another type or an unknown constraint: filled in, saying why', () => {
    @ValidatorConstraint()
    class PrimeConstraint implements ValidatorConstraintInterface {
      validate(value: unknown): boolean {
        return value === '7';
      }
    }
    @SecretsSection('others')
    class Others {
      @Validate(PrimeConstraint) prime!: string;
      @IsOptional() @IsString() webhook?: string;
      @ValidateIf(() => true) @NotSecret() @IsString() host?: string;
      @NotSecret() @IsString() region!: string;
      @Transform(({ value }) => String(value).trim()) @IsString() trimmed!: string;
      @IsString({ each: true }) names!: string;
      @IsString({ each: true }) list!: string[];
      @IsString() when!: Date;
    }
    expect(plans(Others)).toEqual({
      prime: fill('rules: PrimeConstraint'),
      webhook: fill('optional', true),
      host: fill('not secret, optional', true),
      region: fill('not secret'),
      trimmed: fill('@Transform'),
      names: fill('rules: isString (each)'),
      list: fill('a list'),
      when: fill('a Date'),
    });
  });

  it('a key declared by two classes of one section gets a token only when both rules accept it', () => {
    @SecretsSection('shared')
    class First {
      @MinLength(50) key!: string;
      @MaxLength(20) other!: string;
    }
    @SecretsSection('shared', { allowUnknownKeys: true })
    class Second {
      @MaxLength(60) key!: string;
      @MinLength(30) other!: string;
    }
    expect(plans(First, Second)).toEqual({
      key: token('hex', 50),
      other: fill('length rules allow no token of 16 to 2048 characters'),
    });
  });

  it('drawToken gives up after 100 refused draws, naming the shape, never a value', () => {
    const plan: TokenPlan = { kind: 'token', encoding: 'hex', length: 40, accepts: () => false };
    expect(() => drawToken(plan)).toThrow(
      new Error("no hex token of 40 characters passed the key's rules in 100 draws"),
    );
  });
});
