import {
  type CanActivate,
  type ExecutionContext,
  type FactoryProvider,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type Type,
  mixin,
} from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';

/** What this file needs of a provider DTO. */
interface ProviderSecrets {
  readonly configured: boolean;
}

/** The warning logged at start-up for a provider that is not configured. */
export function notConfiguredMessage(name: string): string {
  return `${name} login is not configured: fill in [${name}] consumer_key and consumer_secret; GET /auth/${name} answers 404`;
}

/**
 * Provides `Strategy` (which registers itself with Passport when constructed)
 * only when the provider's section is configured; otherwise provides `null`
 * and logs {@link notConfiguredMessage}. The decision needs the loaded DTO, so
 * it is made in a factory, not when the module is declared.
 */
export function loginStrategy<S extends ProviderSecrets>(
  name: string,
  Secrets: Type<S>,
  Strategy: new (secrets: S) => unknown,
): FactoryProvider {
  return {
    provide: Strategy,
    inject: [Secrets],
    useFactory: (secrets: S) => {
      if (secrets.configured) return new Strategy(secrets);
      new Logger('AuthModule').warn(notConfiguredMessage(name));
      return null;
    },
  };
}

/**
 * `AuthGuard(name)` that answers 404 while the provider is not configured.
 * Passport's registry is process-wide, so the guard asks the DTO, not Passport.
 */
export function LoginGuard(name: string, Secrets: Type<ProviderSecrets>): Type<CanActivate> {
  @Injectable()
  class Guard extends AuthGuard(name) {
    @Inject(Secrets) private readonly secrets!: ProviderSecrets;

    override canActivate(context: ExecutionContext): Promise<boolean> {
      if (!this.secrets.configured) throw new NotFoundException(`${name} login is not configured`);
      return super.canActivate(context) as Promise<boolean>;
    }
  }
  return mixin(Guard);
}
