import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { FacebookSecrets, TwitterSecrets } from '../secrets';
import type { LoggedInUser } from './logged-in-user';
import { LoginGuard } from './login';

/** One provider as the API shows it: never a key or a secret. */
export interface ProviderView {
  name: string;
  class?: string;
  scope: string[];
}

const FacebookLogin = LoginGuard('facebook', FacebookSecrets);
const TwitterLogin = LoginGuard('twitter', TwitterSecrets);

@Controller('auth')
export class AuthController {
  private readonly providers: Array<[string, FacebookSecrets | TwitterSecrets]>;

  constructor(facebook: FacebookSecrets, twitter: TwitterSecrets) {
    this.providers = [
      ['facebook', facebook],
      ['twitter', twitter],
    ];
  }

  /** Configured login providers with their scopes, and the names of those not configured. */
  @Get('providers')
  list(): { configured: ProviderView[]; notConfigured: string[] } {
    return {
      configured: this.providers
        .filter(([, secrets]) => secrets.configured)
        .map(([name, secrets]) => ({ name, class: secrets.class, scope: [...(secrets.scope ?? [])] })),
      notConfigured: this.providers.filter(([, secrets]) => !secrets.configured).map(([name]) => name),
    };
  }

  /** Redirects to Facebook's login dialog (the guard answers before this runs). */
  @Get('facebook')
  @UseGuards(FacebookLogin)
  facebook(): void {}

  /** Where Facebook sends the user back: the logged-in user, as the strategy made it. */
  @Get('facebook/callback')
  @UseGuards(FacebookLogin)
  facebookCallback(@Req() req: { user: LoggedInUser }): LoggedInUser {
    return req.user;
  }

  /** Redirects to Twitter's authorisation page after fetching a request token. */
  @Get('twitter')
  @UseGuards(TwitterLogin)
  twitter(): void {}

  /** Where Twitter sends the user back. */
  @Get('twitter/callback')
  @UseGuards(TwitterLogin)
  twitterCallback(@Req() req: { user: LoggedInUser }): LoggedInUser {
    return req.user;
  }
}
