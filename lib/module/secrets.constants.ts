/** Injection token of the module's options (after `forRootAsync` resolves them). Internal. */
export const SECRETS_MODULE_OPTIONS = Symbol('nestjs-ini-secrets:options');
/** Injection token of the application's {@link SecretsState}. Internal. */
export const SECRETS_STATE = Symbol('nestjs-ini-secrets:state');
/** Logger context of every line the module logs. */
export const SECRETS_LOGGER_CONTEXT = 'SecretsModule';
