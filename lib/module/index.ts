export { SecretsModule } from './secrets.module';
export { SecretsService } from './secrets.service';
export { SECRETS_LOGGER_CONTEXT } from './secrets.constants';
export type {
  SecretsModuleAsyncOptions,
  SecretsModuleDynamicOptions,
  SecretsModuleOptions,
} from './secrets-module-options.interface';
