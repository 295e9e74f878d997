import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureApp, createHttpAdapter } from '../../apps/report-worker/src/configure-app';
import { ReportWorkerModule } from '../../apps/report-worker/src/report-worker.module';

/**
 * The report worker in this process, booted as main.ts boots it (configureApp, then the RabbitMQ
 * consumer), with settings from the current environment. `listen` also opens the HTTP side port
 * on a free loopback port; otherwise the app is only initialised.
 */
export async function startReportWorker(options: { listen?: boolean } = {}): Promise<NestFastifyApplication> {
  const app = configureApp(
    await NestFactory.create<NestFastifyApplication>(ReportWorkerModule.forRoot(), createHttpAdapter(), {
      logger: ['error'],
    }),
  );
  await app.startAllMicroservices();
  if (options.listen) await app.listen(0, '127.0.0.1');
  else await app.init();
  return app;
}
