import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import * as path from 'node:path';
import type { SecretsModuleOptions } from '../../lib';
import { AppModule } from '../../sample/app.module';

export const SAMPLE_DIR = path.resolve(__dirname, '../../sample');

/** The sample app on sample/test-secrets.ini, isolated from the machine's variables. */
export async function sampleApp(
  secrets: Omit<SecretsModuleOptions, 'sections'> = {},
  customize: (builder: TestingModuleBuilder) => TestingModuleBuilder = (b) => b,
): Promise<INestApplication> {
  const builder = Test.createTestingModule({
    imports: [AppModule.register({ directory: SAMPLE_DIR, environment: 'test', env: {}, logger: false, ...secrets })],
  });
  const app = (await customize(builder).compile()).createNestApplication({ logger: false });
  await app.init();
  return app;
}
