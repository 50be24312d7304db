import { PassportStrategy } from '@nestjs/passport';
import { type Profile, Strategy } from 'passport-facebook';
import { FacebookSecrets } from '../secrets';
import type { LoggedInUser } from './logged-in-user';

/** "Log in with Facebook", built from `[facebook]`. Constructed only when the provider is configured. */
export class FacebookStrategy extends PassportStrategy(Strategy, 'facebook') {
  constructor(facebook: FacebookSecrets) {
    super(facebook.passportOptions());
  }

  validate(_accessToken: string, _refreshToken: string, profile: Profile): LoggedInUser {
    return { provider: 'facebook', id: profile.id, displayName: profile.displayName };
  }
}
