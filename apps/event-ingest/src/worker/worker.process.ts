import { createJsonLogger, EventWorkerEnv, loadSettingsOrExit, WorkerChildEnv, workerChildSettings } from '@app/config';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpAdapter } from '../configure-app';
import { EventIngestModule } from '../event-ingest.module';

/**
 * One worker process: a Nest application context with only the chosen processors.
 * SIGTERM: the processors stop consuming, finish and ack the batches in hand, the connections
 * close, and the process exits 0. (Nest's own shutdown hooks would re-raise the signal instead.)
 */
export async function runWorkerProcess(child: WorkerChildEnv = workerChildSettings()): Promise<void> {
  const settings = loadSettingsOrExit(EventWorkerEnv);
  const logger = createJsonLogger(settings.LOG_LEVEL);
  // Listen for signals before starting: a SIGTERM during start-up (consumers may already hold
  // deliveries) must drain too, not kill the process with the default action.
  let app: INestApplicationContext | undefined;
  let requested: string | undefined;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (!app) return void (requested ??= signal);
    if (closing) return;
    closing = true;
    logger.log({ msg: 'draining', signal }, 'Worker');
    await app.close();
    logger.log({ msg: 'drained, exiting' }, 'Worker');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  app = await startContext(settings, child, logger);
  logger.log(
    {
      msg: 'worker consuming',
      processors: settings.EVENT_PROCESSORS,
      prefetch: settings.EVENTS_PREFETCH,
      worker: String(child.EVENT_WORKER_INDEX),
    },
    'Worker',
  );
  if (requested) await shutdown(requested);
}

/**
 * No HTTP at all, or (--health-port H) a port serving only /health/live and /health/ready, worker
 * i on H+i, for Kubernetes probes: readiness covers RabbitMQ and the stores of the role.
 */
async function startContext(
  settings: EventWorkerEnv,
  child: WorkerChildEnv,
  logger: ReturnType<typeof createJsonLogger>,
): Promise<INestApplicationContext> {
  const module = EventIngestModule.forRoot({ http: false, settings });
  const healthPort = child.EVENT_WORKER_HEALTH_PORT;
  if (!healthPort) {
    const context = await NestFactory.createApplicationContext(module, { logger, abortOnError: false });
    return context.init();
  }
  const app = await NestFactory.create<NestFastifyApplication>(module, createHttpAdapter(settings), {
    logger,
    abortOnError: false,
  });
  await app.listen(healthPort + child.EVENT_WORKER_INDEX, settings.HOST);
  return app;
}
