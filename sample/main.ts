import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  // `npm start` runs from the repository root; the secrets files live in sample/.
  // Nest prints a start-up error (a SecretsError's message) and exits with
  // code 1; abortOnError: false makes create() reject instead, so that this
  // file decides: here, exit code 1 too.
  const app = await NestFactory.create(AppModule.register({ directory: 'sample' }), { abortOnError: false });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000));
}

bootstrap().catch(() => {
  process.exitCode = 1;
});
