export { SecretsModule } from './secrets.module';
export { SecretsService } from './secrets.service';
export { SecretsConfigModule } from './secrets-config.module';
export type { SecretsConfigModuleOptions } from './secrets-config.module';
export { SecretsLogger } from './secrets.logger';
export type { SecretsMasking } from './secrets.logger';
export { SECRETS_LOGGER_CONTEXT, SECRETS_MODULE_OPTIONS } from './secrets.constants';
export type {
  SecretsModuleAsyncOptions,
  SecretsModuleDynamicOptions,
  SecretsModuleOptions,
  SecretsOptionsFactory,
} from './secrets-module-options.interface';
