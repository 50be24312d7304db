/** Injection token of the module's options (after `forRootAsync` resolves them). Internal. */
/**
 * The provider of the options `forRoot` was given (or `forRootAsync` resolved),
 * everything but `sections` and `isGlobal`. A test of the real `AppModule`
 * swaps the secrets with Nest's `overrideProvider(SECRETS_MODULE_OPTIONS)
 * .useValue({ values: {…} })`: no file is read, and the test's values are
 * validated and injected everywhere. (`overrideModule(SecretsModule)` cannot
 * do it: Nest matches an imported module by identity, and `forRoot()` returns
 * a new dynamic module object, never the `SecretsModule` class.)
 */
export const SECRETS_MODULE_OPTIONS = Symbol('nestjs-ini-secrets:options');
/** Injection token of the application's {@link SecretsState}. Internal. */
export const SECRETS_STATE = Symbol('nestjs-ini-secrets:state');
/** Logger context of every line the module logs. */
export const SECRETS_LOGGER_CONTEXT = 'SecretsModule';
