import { retryQueueName, webhookQueueNames } from '@app/contracts';
import type { Options } from 'amqplib';
import { durableQueueOptions, QueueKind } from './durable-queue.options';
import { retryQueueOptions } from './event-topology.factory';

export interface WebhookTopologySettings {
  requestQueue: string;
  maxAttempts: number;
  retryDelaysMs: number[];
  /** Retention of the webhook DLQ: the report DLQ's (REPORT_DLQ_TTL_MS, REPORT_DLQ_MAX_LENGTH). */
  deadLetterTtlMs: number;
  deadLetterMaxLength: number;
  queueKind: QueueKind;
}

export interface WebhookTopology {
  /** Webhook jobs: one message per response to POST, consumed by the worker's webhook consumer. */
  queue: string;
  queueOptions: Options.AssertQueue;
  deadLetterQueue: string;
  /** POSTs of one job before it is dead-lettered (WEBHOOK_MAX_ATTEMPTS). */
  maxAttempts: number;
  retryQueues: Array<{ name: string; delayMs: number }>;
  /** The delay queue after failed attempt `attempt` (1-based); the last delay repeats. */
  retryQueueFor(attempt: number): string;
  declarations: Array<{ name: string; options: Options.AssertQueue }>;
}

/**
 * The webhook queues, beside the report queues and named after the request queue. Quorum: the job
 * queue has the delivery limit, and a job past it (it crashed every worker that took it) goes to the
 * webhook DLQ at least once. Delay queues return a job to the job queue when their TTL runs out.
 */
export function webhookTopology(settings: WebhookTopologySettings): WebhookTopology {
  const { queueKind } = settings;
  const { queue, deadLetterQueue } = webhookQueueNames(settings.requestQueue);
  const delays = settings.retryDelaysMs.length > 0 ? settings.retryDelaysMs : [1000];
  const used = [...new Set(delays.slice(0, Math.max(settings.maxAttempts - 1, 1)))];
  const retryQueues = used.map((delayMs) => ({ name: retryQueueName(queue, delayMs), delayMs }));
  const retryQueueFor = (attempt: number) =>
    retryQueueName(queue, delays[Math.min(Math.max(attempt, 1), delays.length) - 1]);
  const queueOptions =
    queueKind.type === 'classic'
      ? durableQueueOptions(queueKind)
      : durableQueueOptions(queueKind, {
          consumed: true,
          arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': deadLetterQueue },
        });
  const deadLetterOptions = durableQueueOptions(queueKind, {
    arguments: { 'x-message-ttl': settings.deadLetterTtlMs, 'x-max-length': settings.deadLetterMaxLength },
  });
  return {
    queue,
    queueOptions,
    deadLetterQueue,
    maxAttempts: settings.maxAttempts,
    retryQueues,
    retryQueueFor,
    declarations: [
      { name: queue, options: queueOptions },
      { name: deadLetterQueue, options: deadLetterOptions },
      ...retryQueues.map(({ name, delayMs }) => ({ name, options: retryQueueOptions(queue, delayMs, queueKind) })),
    ],
  };
}
