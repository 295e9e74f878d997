import { createJsonLogger, EventIngestEnv, exitCleanlyOnSignals, loadSettingsOrExit, runOrExit } from '@app/config';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import { configureApp, createHttpAdapter } from './configure-app';
import { EventIngestModule } from './event-ingest.module';

async function bootstrap(): Promise<void> {
  // The role (USE_RABBITMQ, EVENT_PROCESSORS) is chosen before Nest reads .env, so load it first.
  const envFile = process.env.ENV_FILE ?? '.env';
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const settings = loadSettingsOrExit(EventIngestEnv);
  const logger = createJsonLogger(settings.LOG_LEVEL);
  const app = await NestFactory.create<NestFastifyApplication>(
    EventIngestModule.forRoot(),
    createHttpAdapter(settings),
    { logger, abortOnError: false },
  );
  configureApp(app);
  exitCleanlyOnSignals(app, logger);
  await app.listen(settings.PORT, settings.HOST);
  logger.log(`listening on http://${settings.HOST}:${settings.PORT} (docs at /docs)`, 'Bootstrap');
}

runOrExit(bootstrap);
