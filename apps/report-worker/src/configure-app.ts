import { INestApplication, ValidationPipe } from '@nestjs/common';

/** Everything main.ts does to the app besides listening; e2e tests call it too. */
export function configureApp(app: INestApplication): INestApplication {
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.enableShutdownHooks();
  return app;
}
