import { parseArgs } from 'node:util';
import { UsageError } from '../operator/command-line';

/** `webhooks`: the webhook dead letters (`<requests>.webhooks_dlq`) instead of the requests'. */
export type DeadLetterCommand = { command: 'list' | 'replay'; limit: number; queue?: 'webhooks' } | { command: 'help' };

export const USAGE = `usage:
  reports:dlq list [--limit N] [--queue requests|webhooks]
      print the ids and failure of up to N dead letters (default 20; they stay)
  reports:dlq replay [--limit N] [--queue requests|webhooks]
      move up to N dead letters back to the request queue, or the webhook queue (default 100),
      each with a fresh attempt budget (a webhook keeps its delivery id)`;

const DEFAULT_LIMIT = { list: 20, replay: 100 } as const;
const MAX_LIMIT = 100_000;

export function parseDeadLetterArgs(argv: string[]): DeadLetterCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { limit: { type: 'string' }, queue: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  const [command, ...rest] = positionals;
  if (command !== 'list' && command !== 'replay')
    throw new UsageError(command ? `unknown command "${command}"` : 'a command is needed: list or replay');
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest.join(' ')}"`);
  if (values.queue !== undefined && values.queue !== 'requests' && values.queue !== 'webhooks')
    throw new UsageError('--queue must be requests or webhooks');
  const queue = values.queue === 'webhooks' ? { queue: 'webhooks' as const } : {};
  if (values.limit === undefined) return { command, limit: DEFAULT_LIMIT[command], ...queue };
  if (!/^\d+$/.test(values.limit) || Number(values.limit) < 1 || Number(values.limit) > MAX_LIMIT) {
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  return { command, limit: Number(values.limit), ...queue };
}
