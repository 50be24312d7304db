import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { FacebookSecrets, TwitterSecrets } from '../secrets';
import { AuthController } from './auth.controller';
import { FacebookStrategy } from './facebook.strategy';
import { loginStrategy } from './login';
import { TwitterStrategy } from './twitter.strategy';

// An unconfigured provider is a visible state (a warning, a 404), not a crash.
@Module({
  imports: [PassportModule.register({ session: false })],
  controllers: [AuthController],
  providers: [
    loginStrategy('facebook', FacebookSecrets, FacebookStrategy),
    loginStrategy('twitter', TwitterSecrets, TwitterStrategy),
  ],
})
export class AuthModule {}
