import { retryQueueName, webhookQueueNames } from '@app/contracts';
import { QueueAdminService, REPORT_TOPOLOGY, ReportTopology } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { isBrokerNotFound } from '../admin/broker-not-found';
import { KnownQueues } from '../admin/known-queues';

export type Pipeline = 'events' | 'reports';

export interface ConsoleQueue {
  pipeline: Pipeline;
  queue: string;
  role: 'work' | 'retry' | 'responses' | 'webhooks' | 'dead letters';
  /** false: not declared on the broker (yet), e.g. the report worker never started. */
  exists: boolean;
  messages: number;
  consumers: number;
  /** Net change of the depth per second since the previous look (negative: draining); null on the first. */
  messages_per_second: number | null;
}

interface Sample {
  messages: number;
  at: number;
}

/**
 * Depth, consumers and the rate of change of every queue of both pipelines, by passive declares
 * (no management plugin needed). The rate comes from successive looks, which the console makes
 * every few seconds.
 */
@Injectable()
export class ConsoleQueuesService {
  private readonly previous = new Map<string, Sample>();

  constructor(
    private readonly admin: QueueAdminService,
    @Inject(KnownQueues) private readonly known: KnownQueues,
    @Inject(REPORT_TOPOLOGY) private readonly reports: ReportTopology,
  ) {}

  async all(): Promise<ConsoleQueue[]> {
    return Promise.all(this.names().map(({ pipeline, queue, role }) => this.look(pipeline, queue, role)));
  }

  private names(): Array<Pick<ConsoleQueue, 'pipeline' | 'queue' | 'role'>> {
    const retryDelays = [...new Set(this.known.retryDelaysMs)];
    const events = this.known.sinkQueues.flatMap((queue) => [
      { queue, role: 'work' as const },
      ...retryDelays.map((delay) => ({ queue: retryQueueName(queue, delay), role: 'retry' as const })),
    ]);
    const webhooks = webhookQueueNames(this.reports.requestQueue);
    const reports = [
      { queue: this.reports.requestQueue, role: 'work' as const },
      ...(this.reports.urgentQueue ? [{ queue: this.reports.urgentQueue, role: 'work' as const }] : []),
      ...this.reports.retryQueues.map(({ name }) => ({ queue: name, role: 'retry' as const })),
      { queue: this.reports.responseQueue, role: 'responses' as const },
      // Declared by the worker only while webhooks are on (WEBHOOK_SECRET): otherwise `not declared`.
      { queue: webhooks.queue, role: 'webhooks' as const },
      { queue: webhooks.deadLetterQueue, role: 'dead letters' as const },
    ];
    return [
      ...events.map((entry) => ({ pipeline: 'events' as const, ...entry })),
      { pipeline: 'events', queue: this.known.names.deadLetterQueue, role: 'dead letters' },
      ...reports.map((entry) => ({ pipeline: 'reports' as const, ...entry })),
      { pipeline: 'reports', queue: this.reports.deadLetterQueue, role: 'dead letters' },
    ];
  }

  private async look(pipeline: Pipeline, queue: string, role: ConsoleQueue['role']): Promise<ConsoleQueue> {
    try {
      const { messages, consumers } = await this.admin.stats(queue);
      const at = Date.now();
      const before = this.previous.get(queue);
      this.previous.set(queue, { messages, at });
      const seconds = before ? (at - before.at) / 1000 : 0;
      const rate = seconds > 0 ? Math.round(((messages - before!.messages) / seconds) * 10) / 10 : null;
      return { pipeline, queue, role, exists: true, messages, consumers, messages_per_second: rate };
    } catch (error) {
      if (!isBrokerNotFound(error)) throw error;
      this.previous.delete(queue);
      return { pipeline, queue, role, exists: false, messages: 0, consumers: 0, messages_per_second: null };
    }
  }
}
