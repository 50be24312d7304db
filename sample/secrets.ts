import { IsNotEmpty, IsString, MinLength } from 'class-validator';
import { OAuth1ProviderSecrets, OAuth2ProviderSecrets, SecretsSection } from '../lib/core';

/** `[authentication] secret`: signs password-reset and activation tokens. */
@SecretsSection('authentication')
export class AuthenticationSecrets {
  @IsString()
  @MinLength(32)
  secret!: string;
}

/** `[authomatic] secret`: authomatic's own CSRF/state secret. */
@SecretsSection('authomatic')
export class AuthomaticSecrets {
  @IsString()
  @MinLength(32)
  secret!: string;
}

/** `[session] secret`: signs the session cookie. */
@SecretsSection('session')
export class SessionSecrets {
  @IsString()
  @MinLength(32)
  secret!: string;
}

@SecretsSection('facebook')
export class FacebookSecrets extends OAuth2ProviderSecrets {}

@SecretsSection('twitter')
export class TwitterSecrets extends OAuth1ProviderSecrets {}

/** Registered by the crawl feature module only (`SecretsModule.forFeature`). */
@SecretsSection('facebook_crawl')
export class FacebookCrawlSecrets {
  @IsString()
  @IsNotEmpty()
  app_access_token!: string;
}

/** Every section the root module validates at start-up. */
export const ROOT_SECTIONS = [
  AuthenticationSecrets,
  AuthomaticSecrets,
  SessionSecrets,
  FacebookSecrets,
  TwitterSecrets,
];
