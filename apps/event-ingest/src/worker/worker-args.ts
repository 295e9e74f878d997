import { EventProcessorRole } from '@app/config/sections/events.env';
import { EVENT_SINKS } from '@app/contracts';
import { parseArgs } from 'node:util';

type WorkerQueue = Exclude<EventProcessorRole, 'none'>;
const WORKER_QUEUES: readonly WorkerQueue[] = [...EVENT_SINKS, 'all'];

export type WorkerCommand =
  | {
      command: 'work';
      queue: WorkerQueue;
      workers: number;
      prefetch?: number;
      healthPort?: number;
    }
  | { command: 'dlq-list' | 'dlq-replay'; limit: number };

export const USAGE = `usage:
  worker --queue neo4j|qdrant|all [--workers N] [--prefetch P] [--health-port H]
                                                                  run the processors in N processes
                                                                  (worker i serves /health/* on H+i)
  worker dlq list [--limit N]                                     print up to N dead letters (they stay)
  worker dlq replay [--limit N]                                   move up to N dead letters back to their sink queue`;

/** Thrown for a bad command line; main prints it with the usage and exits 64 (EX_USAGE). */
export class UsageError extends Error {}

function positiveInt(
  name: string,
  value: string | undefined,
  fallback: number | undefined,
  max: number,
): number | undefined {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
  return Number(value);
}

export function parseWorkerArgs(argv: string[]): WorkerCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        queue: { type: 'string' },
        workers: { type: 'string' },
        prefetch: { type: 'string' },
        'health-port': { type: 'string' },
        limit: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals[0] === 'dlq') {
    if (positionals[1] !== 'list' && positionals[1] !== 'replay') throw new UsageError('dlq needs "list" or "replay"');
    return {
      command: positionals[1] === 'list' ? 'dlq-list' : 'dlq-replay',
      limit: positiveInt('limit', values.limit, positionals[1] === 'list' ? 20 : 100, 100_000)!,
    };
  }
  if (positionals.length > 0) throw new UsageError(`unknown command "${positionals.join(' ')}"`);
  if (!WORKER_QUEUES.includes(values.queue as WorkerQueue))
    throw new UsageError(`--queue must be ${EVENT_SINKS.join(', ')} or all`);
  return {
    command: 'work',
    queue: values.queue as WorkerQueue,
    workers: positiveInt('workers', values.workers, 1, 64)!,
    prefetch: positiveInt('prefetch', values.prefetch, undefined, 10_000),
    healthPort: positiveInt('health-port', values['health-port'], undefined, 65_000),
  };
}
