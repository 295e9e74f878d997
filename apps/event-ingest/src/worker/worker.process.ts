import { createJsonLogger, EventWorkerEnv, loadSettingsOrExit } from '@app/config';
import { EventProcessorRole } from '@app/config/sections/events.env';
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
export async function runWorkerProcess(): Promise<void> {
  const settings = loadSettingsOrExit(EventWorkerEnv);
  const logger = createJsonLogger(settings.LOG_LEVEL);
  const role = settings.EVENT_PROCESSORS as EventProcessorRole;
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
  app = await startContext(role, logger, settings.HOST);
  logger.log(
    {
      msg: 'worker consuming',
      processors: role,
      prefetch: settings.EVENTS_PREFETCH,
      worker: process.env.EVENT_WORKER_INDEX,
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
  role: EventProcessorRole,
  logger: ReturnType<typeof createJsonLogger>,
  host: string,
): Promise<INestApplicationContext> {
  const module = EventIngestModule.forRoot({ http: false, processors: role });
  const healthPort = Number(process.env.EVENT_WORKER_HEALTH_PORT);
  if (!healthPort) {
    const context = await NestFactory.createApplicationContext(module, { logger, abortOnError: false });
    return context.init();
  }
  const app = await NestFactory.create<NestFastifyApplication>(module, createHttpAdapter(), {
    logger,
    abortOnError: false,
  });
  await app.listen(healthPort + Number(process.env.EVENT_WORKER_INDEX ?? 0), host);
  return app;
}
