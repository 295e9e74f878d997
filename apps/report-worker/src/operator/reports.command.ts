import { loadSettingsOrExit, ReportWorkerEnv } from '@app/config';
import { withAuditTrail } from './audit-trail.module';
import { commandOrExit } from './command-line';
import { parseReportArgs, USAGE } from './report-command-args';
import { ReportQueryClient } from './report-query.client';

const ANSWER_TIMEOUT_MS = 30_000;

function audit(
  settings: ReportWorkerEnv,
  filter: { report_id?: string; user_id?: string },
  limit: number,
): Promise<unknown> {
  return withAuditTrail(settings, async (trail) => ({ ...filter, events: await trail.find(filter, limit) }));
}

/**
 * `npm run reports -- get|status|list|delete|audit …`: the operator's way to the reports. Queries
 * go through the worker, authorised like any reader's, and are audited there. Prints one JSON
 * document. Exit 0 answered, 64 bad command line, 78 bad setting, 1 no answer or unreachable,
 * 3 refused (`forbidden`).
 */
async function main(argv: string[]): Promise<void> {
  const command = commandOrExit(parseReportArgs, argv, USAGE);
  if (command.command === 'help') return void process.stdout.write(`${USAGE}\n`);
  const settings = loadSettingsOrExit(ReportWorkerEnv);
  const result =
    command.command === 'audit'
      ? await audit(settings, command.filter, command.limit)
      : await new ReportQueryClient(settings.RABBITMQ_URL[0], settings.RABBITMQ_REQUEST_QUEUE).ask(
          command.pattern,
          command.data,
          ANSWER_TIMEOUT_MS,
        );
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if ((result as { error?: string }).error === 'forbidden') process.exit(3);
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
