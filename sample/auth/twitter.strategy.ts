import { PassportStrategy } from '@nestjs/passport';
import { type Profile, Strategy } from 'passport-twitter';
import { TwitterSecrets } from '../secrets';
import type { LoggedInUser } from './logged-in-user';

/**
 * "Log in with Twitter", built from `[twitter]`. Constructed only when the
 * provider is configured. OAuth 1 keeps the request token in the session, so
 * a real app adds a session middleware (express-session) for this route.
 */
export class TwitterStrategy extends PassportStrategy(Strategy, 'twitter') {
  constructor(twitter: TwitterSecrets) {
    super(twitter.passportOptions());
  }

  validate(_token: string, _tokenSecret: string, profile: Profile): LoggedInUser {
    return { provider: 'twitter', id: profile.id, displayName: profile.displayName };
  }
}
