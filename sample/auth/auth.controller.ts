import { Controller, Get } from '@nestjs/common';
import { FacebookSecrets, TwitterSecrets } from '../secrets';

/** One provider as the API shows it: never a key or a secret. */
export interface ProviderView {
  name: string;
  class?: string;
  scope: string[];
}

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
}
