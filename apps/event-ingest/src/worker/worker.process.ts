import { createJsonLogger, EventIngestEnv, loadSettingsOrExit } from '@app/config';
import { EventProcessorRole } from '@app/config/sections/events.env';
import { NestFactory } from '@nestjs/core';
import { EventIngestModule } from '../event-ingest.module';

/**
 * One worker process: a Nest application context (no HTTP) with only the chosen processors.
 * SIGTERM: the processors stop consuming, finish and ack the batches in hand, the connections
 * close, and the process exits 0. (Nest's own shutdown hooks would re-raise the signal instead.)
 */
export async function runWorkerProcess(): Promise<void> {
  const settings = loadSettingsOrExit(EventIngestEnv);
  const logger = createJsonLogger(settings.LOG_LEVEL);
  const role = settings.EVENT_PROCESSORS as EventProcessorRole;
  const app = await NestFactory.createApplicationContext(EventIngestModule.forRoot({ http: false, processors: role }), {
    logger,
    abortOnError: false,
  });
  await app.init();
  logger.log({ msg: 'worker consuming', processors: role, prefetch: settings.EVENTS_PREFETCH, worker: process.env.EVENT_WORKER_INDEX }, 'Worker');
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log({ msg: 'draining', signal }, 'Worker');
    await app.close();
    logger.log({ msg: 'drained, exiting' }, 'Worker');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
