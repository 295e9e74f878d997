import { createJsonLogger, exitCleanlyOnSignals, loadSettingsOrExit, ReportWorkerEnv, runOrExit } from '@app/config';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureApp, createHttpAdapter } from './configure-app';
import { ReportWorkerModule } from './report-worker.module';

async function bootstrap(): Promise<void> {
  const settings = loadSettingsOrExit(ReportWorkerEnv);
  const logger = createJsonLogger(settings.LOG_LEVEL);
  const app = await NestFactory.create<NestFastifyApplication>(
    ReportWorkerModule.forRoot(settings),
    createHttpAdapter(),
    {
      logger,
      abortOnError: false,
    },
  );
  configureApp(app);
  // The drain may take REPORT_DRAIN_TIMEOUT_MS; closing the connections after it gets 15 s more.
  exitCleanlyOnSignals(app, logger, settings.REPORT_DRAIN_TIMEOUT_MS + 15_000);
  await app.init();
  // The health port does not wait for the broker: the consumer subscribes whenever the broker
  // answers (and again after every reconnect), readiness naming it until then. Either failing to
  // start still ends the process.
  await Promise.all([
    app.startAllMicroservices(),
    app
      .listen(settings.HEALTH_PORT, settings.HOST)
      .then(() => logger.log(`health on http://${settings.HOST}:${settings.HEALTH_PORT}/health/ready`, 'HealthPort')),
  ]);
  logger.log(
    `consuming ${settings.RABBITMQ_REQUEST_QUEUE} (prefetch ${settings.RABBITMQ_PREFETCH_COUNT})`,
    'Bootstrap',
  );
}

runOrExit(bootstrap);
