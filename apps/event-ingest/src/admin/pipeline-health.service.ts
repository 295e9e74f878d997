import { QueueAdminService, QueueStats } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { isBrokerNotFound } from './broker-not-found';
import { KnownQueues } from './known-queues';

/** `consuming`: at least one consumer; `no consumer`: events pile up; `missing`: not declared. */
export type SinkStatus = 'consuming' | 'no consumer' | 'missing';

export interface SinkState {
  consumers: number;
  messages: number;
  status: SinkStatus;
}

export interface PipelineHealth {
  /** `degraded` while a chosen sink has no consumer (or no queue); the API still accepts events. */
  status: 'ok' | 'degraded';
  exchange: string;
  queues: QueueStats[];
  /** Every sink of EVENT_SINKS, keyed by queue name. */
  sinks: Record<string, SinkState>;
  /** Queues of sinks outside EVENT_SINKS that still exist: unbound, holding what they had for an operator. */
  retired_sinks: Record<string, Omit<SinkState, 'status'>>;
}

/** What GET /rabbitmq/health reports: the depth and the consumers of every pipeline queue. */
@Injectable()
export class PipelineHealthService {
  constructor(
    private readonly queues: QueueAdminService,
    @Inject(KnownQueues) private readonly known: KnownQueues,
  ) {}

  async report(): Promise<PipelineHealth> {
    const [chosen, retired, dlq] = await Promise.all([
      Promise.all(this.known.sinkQueues.map((queue) => this.statsOf(queue))),
      Promise.all(this.known.retiredSinkQueues.map((queue) => this.statsOf(queue))),
      this.statsOf(this.known.names.deadLetterQueue),
    ]);
    const sinks = Object.fromEntries(this.known.sinkQueues.map((queue, i) => [queue, sinkState(chosen[i])]));
    const existing = (stats: Array<QueueStats | undefined>) => stats.filter((s): s is QueueStats => s !== undefined);
    return {
      status: Object.values(sinks).every((sink) => sink.status === 'consuming') ? 'ok' : 'degraded',
      exchange: this.known.names.exchange,
      queues: existing([...chosen, dlq]),
      sinks,
      retired_sinks: Object.fromEntries(
        existing(retired).map(({ queue, messages, consumers }) => [queue, { consumers, messages }]),
      ),
    };
  }

  /** undefined for a queue that does not exist (a retired sink's queue may have been deleted). */
  private async statsOf(queue: string): Promise<QueueStats | undefined> {
    try {
      return await this.queues.stats(queue);
    } catch (error) {
      if (isBrokerNotFound(error)) return undefined;
      throw error;
    }
  }
}

function sinkState(stats: QueueStats | undefined): SinkState {
  if (!stats) return { consumers: 0, messages: 0, status: 'missing' };
  return {
    consumers: stats.consumers,
    messages: stats.messages,
    status: stats.consumers > 0 ? 'consuming' : 'no consumer',
  };
}
