import { IsDefined, IsOptional, IsString, ValidateIf } from 'class-validator';
import { NotSecret } from '../dto/decorators';

const PAIR_MESSAGE = (other: string) => `$property is empty while ${other} is set: set both, or leave both empty`;

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

  /** `true` when both `consumer_key` and `consumer_secret` are non-empty. */
  get configured(): boolean {
    return Boolean(this.consumer_key) && Boolean(this.consumer_secret);
  }
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
}
