import { createJsonLogger, loadSettingsOrExit, ReportWorkerEnv } from '@app/config';
import { QueueAdminService } from '@app/messaging';
import { NestFactory } from '@nestjs/core';
import { operatorRecord, withAuditTrail } from '../operator/audit-trail.module';
import { commandOrExit } from '../operator/command-line';
import { parseDeadLetterArgs, USAGE } from './dead-letter-args';
import { DeadLettersModule } from './dead-letters.module';
import { DeadLettersService } from './dead-letters.service';

/** How long the command waits for the broker before it gives up (exit 1). */
const CONNECT_TIMEOUT_MS = 15_000;

/**
 * `npm run reports:dlq -- list|replay [--limit N] [--queue requests|webhooks]`
 * (`node dist/apps/report-worker/apps/report-worker/src/dead-letters/dead-letters.command.js`):
 * the report dead letters of RABBITMQ_REQUEST_QUEUE, listed or moved back to it, or with
 * `--queue webhooks` the webhook jobs that exhausted their attempts, moved back to the webhook queue. Prints one JSON
 * document on stdout. Exit 0 done, 64 bad command line, 78 bad setting, 1 broker unreachable or
 * queue missing (or, for replay, the audit trail in MongoDB unreachable).
 */
async function main(argv: string[]): Promise<void> {
  const command = commandOrExit(parseDeadLetterArgs, argv, USAGE);
  if (command.command === 'help') return void process.stdout.write(`${USAGE}\n`);
  // A bad setting ends the command here with one line per problem and exit 78, as the worker does.
  const settings = loadSettingsOrExit(ReportWorkerEnv);
  const run = async () => {
    const app = await NestFactory.createApplicationContext(DeadLettersModule.forRoot(settings), {
      logger: createJsonLogger('error'),
    });
    try {
      await app.get(QueueAdminService).whenConnected(CONNECT_TIMEOUT_MS);
      const deadLetters = app.get(DeadLettersService);
      return command.command === 'list'
        ? await deadLetters.list(command.limit, command.queue)
        : await deadLetters.replay(command.limit, command.queue);
    } finally {
      await app.close();
    }
  };
  // A replay moves patient data back into play: it is audited, and refused while the audit trail is unreachable.
  const result: unknown =
    command.command === 'list'
      ? await run()
      : await withAuditTrail(settings, async (trail) => {
          const record = (outcome: string, detail: string) =>
            trail.append(operatorRecord(settings.RABBITMQ_URL[0], { action: 'dlq.replay', outcome, detail }));
          const of = command.queue === 'webhooks' ? ' webhook' : '';
          await record('started', `up to ${command.limit}${of}`);
          const replay = (await run()) as { replayed: number };
          await record('replayed', `${replay.replayed}${of} dead letters`);
          return replay;
        });
  // Printed after the connection closed, so no log line can follow the document on the terminal.
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main(process.argv.slice(2)).catch((error: Error) => {
  const hint = error.message.includes('NOT_FOUND') ? ' (the report worker declares its queues when it starts)' : '';
  process.stderr.write(`${error.message}${hint}\n`);
  process.exit(1);
});
