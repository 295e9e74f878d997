import { createJsonLogger, EventIngestEnv, loadSettingsOrExit } from '@app/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureApp } from './configure-app';
import { EventIngestModule } from './event-ingest.module';

async function bootstrap(): Promise<void> {
  const settings = loadSettingsOrExit(EventIngestEnv);
  const logger = createJsonLogger(settings.LOG_LEVEL);
  const app = await NestFactory.create<NestFastifyApplication>(EventIngestModule.forRoot(), new FastifyAdapter(), {
    logger,
    abortOnError: false,
  });
  configureApp(app);
  await app.listen(settings.PORT, settings.HOST);
  logger.log(`listening on http://${settings.HOST}:${settings.PORT}`, 'Bootstrap');
}

void bootstrap();
