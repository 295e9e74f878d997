import { REPORT_PATTERNS } from '@app/contracts';
import { parseArgs } from 'node:util';
import { UsageError } from './command-line';

export type ReportCommand =
  | { command: 'get' | 'delete'; pattern: string; data: { report_id: string } }
  | { command: 'status'; pattern: string; data: { request_id: string } }
  | { command: 'list'; pattern: string; data: { user_id: string; page: number; page_size: number } }
  | { command: 'audit'; filter: { report_id?: string; user_id?: string }; limit: number }
  | { command: 'help' };

export const USAGE = `usage:
  reports get <report_id>                           the report (as report.get answers it)
  reports status <request_id>                       the job of a request
  reports list <user_id> [--page N] [--page-size N] a user's reports, newest first
  reports delete <report_id>                        delete the report, its jobs and cached copies
  reports audit (--report <report_id> | --user <user_id>) [--limit N]
                                                    the audit trail of a report or a user, newest first
get, status, list and delete go through the worker as the broker user of RABBITMQ_URL, which
REPORT_READERS must list; audit reads MONGODB_URI.`;

function wholeNumber(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
  return Number(value);
}

export function parseReportArgs(argv: string[]): ReportCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        page: { type: 'string' },
        'page-size': { type: 'string' },
        report: { type: 'string' },
        user: { type: 'string' },
        limit: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  const [command, id, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest.join(' ')}"`);
  if (command === 'audit') {
    if (id !== undefined) throw new UsageError(`unexpected argument "${id}"`);
    if ((values.report === undefined) === (values.user === undefined))
      throw new UsageError('audit needs one of --report <report_id> or --user <user_id>');
    const filter = values.report !== undefined ? { report_id: values.report } : { user_id: values.user };
    return { command, filter, limit: wholeNumber(values.limit, 'limit', 50, 10_000) };
  }
  if (command !== 'get' && command !== 'delete' && command !== 'status' && command !== 'list') {
    throw new UsageError(
      command ? `unknown command "${command}"` : 'a command is needed: get, status, list, delete or audit',
    );
  }
  if (!id)
    throw new UsageError(
      `${command} needs ${command === 'status' ? 'a request_id' : command === 'list' ? 'a user_id' : 'a report_id'}`,
    );
  if (command === 'status') return { command, pattern: REPORT_PATTERNS.status, data: { request_id: id } };
  if (command === 'list') {
    return {
      command,
      pattern: REPORT_PATTERNS.list,
      data: {
        user_id: id,
        page: wholeNumber(values.page, 'page', 1, 1_000_000),
        page_size: wholeNumber(values['page-size'], 'page-size', 20, 100),
      },
    };
  }
  return { command, pattern: REPORT_PATTERNS[command], data: { report_id: id } };
}
