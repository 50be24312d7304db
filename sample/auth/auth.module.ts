import { Logger, Module, type OnModuleInit } from '@nestjs/common';
import { TwitterSecrets } from '../secrets';
import { AuthController } from './auth.controller';

@Module({ controllers: [AuthController] })
export class AuthModule implements OnModuleInit {
  constructor(private readonly twitter: TwitterSecrets) {}

  onModuleInit(): void {
    // An unconfigured provider is a visible state, not a crash.
    if (!this.twitter.configured)
      new Logger('AuthModule').warn(
        'twitter login is not configured: fill in [twitter] consumer_key and consumer_secret',
      );
  }
}
