import { IsString } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { getSectionOptions, isNotSecret, NotSecret, SecretsSection } from '../lib/dto/decorators';
import { SecretsError } from '../lib/errors';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('@SecretsSection', () => {
  it('records the section name with both options off by default', () => {
    @SecretsSection('facebook')
    class FacebookSecrets {
      @IsString() consumer_key!: string;
    }
    expect(getSectionOptions(FacebookSecrets)).toEqual({ name: 'facebook', optional: false, allowUnknownKeys: false });
  });

  it('takes a dotted name literally', () => {
    @SecretsSection('authomatic.facebook')
    class AuthomaticFacebook {}
    expect(getSectionOptions(AuthomaticFacebook).name).toBe('authomatic.facebook');
  });

  it('records optional and allowUnknownKeys', () => {
    @SecretsSection('google', { optional: true, allowUnknownKeys: true })
    class GoogleSecrets {}
    expect(getSectionOptions(GoogleSecrets)).toEqual({ name: 'google', optional: true, allowUnknownKeys: true });
  });

  it('lets two classes claim the same section', () => {
    @SecretsSection('facebook')
    class Keys {}
    @SecretsSection('facebook')
    class Scope {}
    expect([getSectionOptions(Keys).name, getSectionOptions(Scope).name]).toEqual(['facebook', 'facebook']);
  });

  it('rejects an empty name at class definition', () => {
    expect(() => SecretsSection('')).toThrow(new TypeError('@SecretsSection(name): name must be a non-empty string'));
  });

  it('rejects a name with leading or trailing spaces', () => {
    expect(() => SecretsSection(' facebook')).toThrow(
      new TypeError(
        "@SecretsSection(' facebook'): the name must not start or end with spaces or tabs (section names are trimmed in the file)",
      ),
    );
  });

  it('rejects a name with a line break', () => {
    expect(() => SecretsSection('a\nb')).toThrow(
      new TypeError('@SecretsSection(name): the name must not contain a line break'),
    );
  });

  it('rejects a reserved name', () => {
    expect(() => SecretsSection('__proto__')).toThrow(
      new TypeError("@SecretsSection('__proto__'): '__proto__' is a reserved name and cannot be a section"),
    );
  });

  it('rejects a non-boolean option', () => {
    expect(() => SecretsSection('facebook', { optional: 'yes' as unknown as boolean })).toThrow(
      new TypeError("@SecretsSection('facebook', options): optional must be a boolean"),
    );
  });

  it('may be applied only once per class', () => {
    expect(() => {
      @SecretsSection('a')
      @SecretsSection('b')
      class Twice {}
      return Twice;
    }).toThrow(new TypeError('Twice: @SecretsSection may be applied only once'));
  });
});

describe('getSectionOptions', () => {
  it('is an INVALID_OPTION SecretsError naming an undecorated class', () => {
    class PlainSecrets {}
    const error = thrown(() => getSectionOptions(PlainSecrets)) as SecretsError;
    expect(error).toBeInstanceOf(SecretsError);
    expect(error.codes).toEqual(['INVALID_OPTION']);
    expect(error.message).toBe(
      "PlainSecrets is not decorated with @SecretsSection; add @SecretsSection('<section name>') to the class",
    );
  });

  it('does not inherit the section of a base class, and says so', () => {
    @SecretsSection('facebook')
    class FacebookSecrets {}
    class MoreFacebookSecrets extends FacebookSecrets {}
    const error = thrown(() => getSectionOptions(MoreFacebookSecrets)) as SecretsError;
    expect(error.message).toBe(
      'MoreFacebookSecrets is not decorated with @SecretsSection (it extends a DTO of [facebook], but @SecretsSection is not inherited: decorate the subclass too)',
    );
  });

  it('names undefined as a likely circular import', () => {
    const error = thrown(() => getSectionOptions(undefined as unknown as Function)) as SecretsError;
    expect(error.message).toBe(
      'sections must be classes decorated with @SecretsSection; got undefined (a circular import?)',
    );
  });
});

describe('@NotSecret', () => {
  it('marks only the decorated property', () => {
    class Dto {
      @NotSecret() scope!: string;
      @IsString() secret!: string;
    }
    expect([isNotSecret(Dto, 'scope'), isNotSecret(Dto, 'secret')]).toEqual([true, false]);
  });

  it('is inherited by a subclass decorated with @SecretsSection', () => {
    class BaseProvider {
      @NotSecret() mapper!: string;
    }
    @SecretsSection('facebook')
    class FacebookSecrets extends BaseProvider {
      @NotSecret() scope!: string[];
    }
    expect([isNotSecret(FacebookSecrets, 'mapper'), isNotSecret(FacebookSecrets, 'scope')]).toEqual([true, true]);
  });

  it("does not add a subclass's fields to its base", () => {
    class BaseProvider {
      @NotSecret() mapper!: string;
    }
    class FacebookSecrets extends BaseProvider {
      @NotSecret() scope!: string[];
    }
    expect(isNotSecret(FacebookSecrets, 'scope')).toBe(true);
    expect(isNotSecret(BaseProvider, 'scope')).toBe(false);
  });

  it('rejects a static property', () => {
    expect(() => {
      class Dto {
        @NotSecret() static shared: string;
      }
      return Dto;
    }).toThrow(new TypeError('Dto.shared: @NotSecret applies to instance properties only'));
  });
});
