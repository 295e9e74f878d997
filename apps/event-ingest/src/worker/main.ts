import { createJsonLogger, EventWorkerEnv, loadSettingsOrExit, workerChildSettings } from '@app/config';
import { runDlqCommand } from './dlq.command';
import { parseWorkerArgs, USAGE, UsageError } from './worker-args';
import { runWorkerProcess } from './worker.process';
import { WorkerSupervisor } from './worker.supervisor';

/**
 * Entry point of the event workers:
 *   node dist/apps/event-ingest/apps/event-ingest/src/worker/main.js --queue neo4j --workers 3 --prefetch 200
 * The first process supervises; each child it forks runs the processors.
 */
async function main(): Promise<void> {
  const child = workerChildSettings();
  if (child.EVENT_WORKER_CHILD) return runWorkerProcess(child);

  let command;
  try {
    command = parseWorkerArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exit(64);
  }
  const settings = loadSettingsOrExit(EventWorkerEnv);
  if (command.command !== 'work')
    return runDlqCommand(command.command === 'dlq-list' ? 'list' : 'replay', command.limit, settings);

  const prefetch = String(command.prefetch ?? settings.EVENTS_PREFETCH);
  const supervisor = new WorkerSupervisor({
    workers: command.workers,
    role: {
      EVENT_PROCESSORS: command.queue,
      EVENTS_PREFETCH: prefetch,
      ...(command.healthPort ? { EVENT_WORKER_HEALTH_PORT: String(command.healthPort) } : {}),
    },
    logger: createJsonLogger(settings.LOG_LEVEL),
  });
  supervisor.start();
  process.exit(await supervisor.done);
}

void main();
