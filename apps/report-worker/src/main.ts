import { createJsonLogger, exitCleanlyOnSignals, loadSettingsOrExit, ReportWorkerEnv, runOrExit } from '@app/config';
import { NestFactory } from '@nestjs/core';
import { configureApp } from './configure-app';
import { ReportWorkerModule } from './report-worker.module';

async function bootstrap(): Promise<void> {
  const settings = loadSettingsOrExit(ReportWorkerEnv);
  const logger = createJsonLogger(settings.LOG_LEVEL);
  const app = await NestFactory.create(ReportWorkerModule.forRoot(), { logger, abortOnError: false });
  configureApp(app);
  // The drain may take REPORT_DRAIN_TIMEOUT_MS; closing the connections after it gets 15 s more.
  exitCleanlyOnSignals(app, logger, settings.REPORT_DRAIN_TIMEOUT_MS + 15_000);
  await app.startAllMicroservices();
  await app.listen(settings.HEALTH_PORT, settings.HOST);
  logger.log(
    `consuming ${settings.RABBITMQ_REQUEST_QUEUE} (prefetch ${settings.RABBITMQ_PREFETCH_COUNT}); health on http://${settings.HOST}:${settings.HEALTH_PORT}/health/ready`,
    'Bootstrap',
  );
}

runOrExit(bootstrap);
