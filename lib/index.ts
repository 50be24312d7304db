/**
 * `nestjs-ini-secrets`: the loader (every export of `nestjs-ini-secrets/core`,
 * the same objects) and the Nest module (`SecretsModule`, `SecretsService`, …).
 */
export * from './core';
export * from './module';
