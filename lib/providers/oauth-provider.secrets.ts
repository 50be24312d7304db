import { IsDefined, IsOptional, IsString, IsUrl, ValidateIf } from 'class-validator';
import { getSectionOptions, NotSecret } from '../dto/decorators';
import { SecretsError } from '../errors';

const PAIR_MESSAGE = (other: string) => `$property is empty while ${other} is set: set both, or leave both empty`;

/** What an OAuth 2 Passport strategy (`passport-facebook`, `passport-google-oauth20`, …) takes from a section. */
export interface OAuth2PassportOptions {
  clientID: string;
  clientSecret: string;
  callbackURL: string;
  /** Present when the section has a `scope`; a copy, so Passport may keep it. */
  scope?: string[];
}

/** What an OAuth 1 Passport strategy (`passport-twitter`, …) takes from a section. */
export interface OAuth1PassportOptions {
  consumerKey: string;
  consumerSecret: string;
  callbackURL: string;
}

/**
 * Shared fields of the Websauna/authomatic provider sections. A provider is
 * *configured* when `consumer_key` and `consumer_secret` are both non-empty,
 * and *not configured* when both are empty or absent; exactly one of them
 * empty is a `VALIDATION` problem naming the empty one.
 */
abstract class OAuthProviderSecrets {
  /** The provider's class name, e.g. `authomatic.providers.oauth2.Facebook`. Not secret. */
  @NotSecret()
  @IsOptional()
  @IsString()
  class?: string;

  /** The application's key (client id) at the provider. */
  @ValidateIf((dto: OAuthProviderSecrets) => dto.consumer_secret !== undefined)
  @IsDefined({ message: PAIR_MESSAGE('consumer_secret') })
  @IsString()
  consumer_key?: string;

  /** The application's secret at the provider. */
  @ValidateIf((dto: OAuthProviderSecrets) => dto.consumer_key !== undefined)
  @IsDefined({ message: PAIR_MESSAGE('consumer_key') })
  @IsString()
  consumer_secret?: string;

  /** Name of the mapper that turns the provider's user data into a user. Not secret. */
  @NotSecret()
  @IsOptional()
  @IsString()
  mapper?: string;

  /**
   * Where the provider sends the user back after login (Passport's
   * `callbackURL`), e.g. `http://localhost:3000/auth/facebook/callback`.
   * Optional; an absolute URL when set (`localhost` and other hosts without a
   * TLD are accepted). Not secret.
   */
  @NotSecret()
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  callback_url?: string;

  /** `true` when both `consumer_key` and `consumer_secret` are non-empty. */
  get configured(): boolean {
    return Boolean(this.consumer_key) && Boolean(this.consumer_secret);
  }
}

/**
 * The key, secret and callback URL of `dto`, checked: what a Passport strategy needs.
 *
 * @throws SecretsError (`MISSING_KEY`, naming the section and key) when the
 *   provider is not configured, or has no `callback_url`.
 */
function passportCredentials(dto: OAuthProviderSecrets): { key: string; secret: string; callbackURL: string } {
  const section = sectionName(dto);
  if (!dto.consumer_key || !dto.consumer_secret) {
    const message =
      'the provider is not configured (consumer_key and consumer_secret are empty): check `configured` before building a Passport strategy';
    throw new SecretsError([{ code: 'MISSING_KEY', section, key: 'consumer_key', message }]);
  }
  if (!dto.callback_url) {
    const message = 'callback_url is not set: a Passport strategy needs the URL the provider sends the user back to';
    throw new SecretsError([{ code: 'MISSING_KEY', section, key: 'callback_url', message }]);
  }
  return { key: dto.consumer_key, secret: dto.consumer_secret, callbackURL: dto.callback_url };
}

function sectionName(dto: object): string | undefined {
  // A loaded DTO is an instance of a subclass made for redaction: walk up to the decorated class.
  for (
    let cls: unknown = dto.constructor;
    typeof cls === 'function' && cls !== Object;
    cls = Object.getPrototypeOf(cls)
  ) {
    try {
      return getSectionOptions(cls).name;
    } catch {
      // Not this class: try its base.
    }
  }
  return undefined; // no @SecretsSection, e.g. a base class built by hand
}

/**
 * Base DTO of an OAuth 2 provider section (`[facebook]`, `[google]`, …): extend
 * it with `@SecretsSection('facebook')`. `scope` is a comma-separated list, e.g.
 * `scope = user_about_me, email` → `['user_about_me', 'email']`; not secret.
 */
export class OAuth2ProviderSecrets extends OAuthProviderSecrets {
  @NotSecret()
  @IsOptional()
  @IsString({ each: true })
  scope?: string[];

  /**
   * The options of an OAuth 2 Passport strategy: `consumer_key` → `clientID`,
   * `consumer_secret` → `clientSecret`, `callback_url` → `callbackURL`, and
   * `scope` when set. Check {@link configured} first to skip an unconfigured
   * provider.
   *
   * @throws SecretsError (`MISSING_KEY`, naming the section and key) when the
   *   provider is not configured, or has no `callback_url`.
   * @example
   * super({ ...facebook.passportOptions(), profileFields: ['id', 'displayName'] });
   */
  passportOptions(): OAuth2PassportOptions {
    const { key, secret, callbackURL } = passportCredentials(this);
    const options: OAuth2PassportOptions = { clientID: key, clientSecret: secret, callbackURL };
    if (this.scope) options.scope = [...this.scope];
    return options;
  }
}

/**
 * Base DTO of an OAuth 1 provider section (`[twitter]`): extend it with
 * `@SecretsSection('twitter')`. OAuth 1 providers usually have no `scope`.
 */
export class OAuth1ProviderSecrets extends OAuthProviderSecrets {
  @NotSecret()
  @IsOptional()
  @IsString({ each: true })
  scope?: string[];

  /**
   * The options of an OAuth 1 Passport strategy: `consumer_key` →
   * `consumerKey`, `consumer_secret` → `consumerSecret`, `callback_url` →
   * `callbackURL`. Check {@link configured} first to skip an unconfigured
   * provider.
   *
   * @throws SecretsError (`MISSING_KEY`, naming the section and key) when the
   *   provider is not configured, or has no `callback_url`.
   */
  passportOptions(): OAuth1PassportOptions {
    const { key, secret, callbackURL } = passportCredentials(this);
    return { consumerKey: key, consumerSecret: secret, callbackURL };
  }
}
