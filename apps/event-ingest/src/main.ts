import { createJsonLogger, EventIngestEnv, exitCleanlyOnSignals, loadSettingsOrExit, runOrExit } from '@app/config';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureApp, createHttpAdapter } from './configure-app';
import { EventIngestModule } from './event-ingest.module';

async function bootstrap(): Promise<void> {
  const settings = loadSettingsOrExit(EventIngestEnv);
  const logger = createJsonLogger(settings.LOG_LEVEL);
  const app = await NestFactory.create<NestFastifyApplication>(
    EventIngestModule.forRoot({ settings }),
    createHttpAdapter(settings),
    { logger, abortOnError: false },
  );
  configureApp(app);
  exitCleanlyOnSignals(app, logger);
  await app.listen(settings.PORT, settings.HOST);
  logger.log(`listening on http://${settings.HOST}:${settings.PORT} (docs at /docs)`, 'Bootstrap');
}

runOrExit(bootstrap);
