import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  // `npm start` runs from the repository root; the secrets files live in sample/.
  // abortOnError: false lets a SecretsError end the process with exit code 1
  // after Nest has printed it, instead of aborting with a core dump.
  const app = await NestFactory.create(AppModule.register({ directory: 'sample' }), { abortOnError: false });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000));
}

bootstrap().catch(() => {
  process.exitCode = 1;
});
