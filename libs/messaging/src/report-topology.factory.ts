import { ReportWorkerEnv } from '@app/config';
import { REPORT_PRIORITY, REPORT_RESPONSE_TTL_MS, reportQueueNames, retryQueueName } from '@app/contracts';
import { durableQueueOptions, QueueKind, queueKindFrom } from './durable-queue.options';
import { retryQueueOptions } from './event-topology.factory';
import { WebhookTopology, webhookTopology } from './webhook-topology.factory';
import type { ConfigService } from '@nestjs/config';
import type { Options } from 'amqplib';

type TopologySettings = Pick<
  ReportWorkerEnv,
  | 'RABBITMQ_REQUEST_QUEUE'
  | 'RABBITMQ_RESPONSE_QUEUE'
  | 'MAX_RETRIES'
  | 'REPORT_RETRY_DELAYS_MS'
  | 'REPORT_DLQ_TTL_MS'
  | 'REPORT_DLQ_MAX_LENGTH'
> &
  Partial<Pick<ReportWorkerEnv, 'WEBHOOK_SECRET' | 'WEBHOOK_MAX_ATTEMPTS' | 'WEBHOOK_RETRY_DELAYS_MS'>> & {
    queueKind: QueueKind;
  };

export interface QueueDeclaration {
  name: string;
  options: Options.AssertQueue;
}

export interface ReportTopology {
  requestQueue: string;
  /** How the request queue is declared; clients that declare it must pass the same, or use noAssert. */
  requestQueueOptions: Options.AssertQueue;
  /**
   * Quorum queues have no message priorities: urgent requests wait in a queue of their own, which
   * the worker consumes beside the request queue with slots of its own, so they never queue behind
   * the normal backlog. Classic queues keep the priority queue instead (no urgent queue).
   */
  urgentQueue?: string;
  responseQueue: string;
  deadLetterQueue: string;
  /** Retries allowed before a transiently failing request is dead-lettered (MAX_RETRIES). */
  maxRetries: number;
  /** Quorum: deliveries the broker allows a request before it dead-letters it (RABBITMQ_DELIVERY_LIMIT). */
  deliveryLimit?: number;
  /** One delay queue per distinct delay: a request waits there for its TTL, then returns to the request queue. */
  retryQueues: Array<{ name: string; delayMs: number }>;
  /** The delay queue of retry number `retry` (1-based); the last delay repeats. */
  retryQueueFor(retry: number): string;
  /** The webhook queues; absent while webhooks are off (WEBHOOK_SECRET empty), so nothing is declared for them. */
  webhooks?: WebhookTopology;
  /** Declared by the consumer before it starts consuming, and again after each reconnect. */
  declarations: QueueDeclaration[];
}

/**
 * Queues of the report worker, derived from the request queue's name so that tests (and several
 * deployments on one broker) can run side by side: `<requests>_dlq`, `<requests>.urgent`,
 * `<requests>.retry.<delay>ms`. Delay queues are named by their delay, as the event pipeline's
 * are: a queue's TTL is fixed when it is declared, so a deployment that changes
 * REPORT_RETRY_DELAYS_MS declares new queues instead of redeclaring old names with other
 * arguments (which the broker refuses with PRECONDITION_FAILED).
 */
export function reportTopology(settings: TopologySettings): ReportTopology {
  const { queueKind } = settings;
  const requestQueue = settings.RABBITMQ_REQUEST_QUEUE;
  const names = reportQueueNames(requestQueue);
  const { deadLetterQueue } = names;
  const delays = settings.REPORT_RETRY_DELAYS_MS.length > 0 ? settings.REPORT_RETRY_DELAYS_MS : [1000];
  const used = [...new Set(delays.slice(0, Math.max(settings.MAX_RETRIES, 1)))];
  const retryQueues = used.map((delayMs) => ({ name: retryQueueName(requestQueue, delayMs), delayMs }));
  const retryQueueFor = (retry: number) =>
    retryQueueName(requestQueue, delays[Math.min(Math.max(retry, 1), delays.length) - 1]);
  const requestQueueOptions = requestOptions(queueKind, deadLetterQueue);
  const urgentQueue = queueKind.type === 'quorum' ? names.urgentQueue : undefined;
  const declarations: QueueDeclaration[] = [
    ...(urgentQueue ? [{ name: urgentQueue, options: requestQueueOptions }] : []),
    {
      name: settings.RABBITMQ_RESPONSE_QUEUE,
      options: durableQueueOptions(queueKind, { arguments: { 'x-message-ttl': REPORT_RESPONSE_TTL_MS } }),
    },
    // Retention: a dead letter (sealed) is dropped after REPORT_DLQ_TTL_MS; a full queue refuses more, which then wait where they are.
    {
      name: deadLetterQueue,
      options: durableQueueOptions(queueKind, {
        arguments: { 'x-message-ttl': settings.REPORT_DLQ_TTL_MS, 'x-max-length': settings.REPORT_DLQ_MAX_LENGTH },
      }),
    },
    ...retryQueues.map(({ name, delayMs }) => ({ name, options: retryQueueOptions(requestQueue, delayMs, queueKind) })),
  ];
  const webhooks = settings.WEBHOOK_SECRET
    ? webhookTopology({
        requestQueue,
        maxAttempts: settings.WEBHOOK_MAX_ATTEMPTS ?? 6,
        retryDelaysMs: settings.WEBHOOK_RETRY_DELAYS_MS ?? [],
        deadLetterTtlMs: settings.REPORT_DLQ_TTL_MS,
        deadLetterMaxLength: settings.REPORT_DLQ_MAX_LENGTH,
        queueKind,
      })
    : undefined;
  if (webhooks) declarations.push(...webhooks.declarations);
  return {
    requestQueue,
    requestQueueOptions,
    urgentQueue,
    responseQueue: settings.RABBITMQ_RESPONSE_QUEUE,
    deadLetterQueue,
    maxRetries: settings.MAX_RETRIES,
    deliveryLimit: queueKind.type === 'quorum' ? queueKind.deliveryLimit : undefined,
    retryQueues,
    retryQueueFor,
    webhooks,
    declarations,
  };
}

/**
 * Quorum: a request delivered RABBITMQ_DELIVERY_LIMIT times without being settled (it crashes
 * every worker that takes it) is dead-lettered by the broker into the DLQ, at least once.
 * Classic: the priority queue (priority 10 = urgent) of a single node.
 */
function requestOptions(kind: QueueKind, deadLetterQueue: string): Options.AssertQueue {
  if (kind.type === 'classic') return { durable: true, arguments: { 'x-max-priority': REPORT_PRIORITY.max } };
  return durableQueueOptions(kind, {
    consumed: true,
    arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': deadLetterQueue },
  });
}

/** The topology of the validated settings: the worker and the dead-letter command line name the same queues. */
export function reportTopologyFrom(config: ConfigService<ReportWorkerEnv, true>): ReportTopology {
  return reportTopology({
    RABBITMQ_REQUEST_QUEUE: config.get('RABBITMQ_REQUEST_QUEUE', { infer: true }),
    RABBITMQ_RESPONSE_QUEUE: config.get('RABBITMQ_RESPONSE_QUEUE', { infer: true }),
    MAX_RETRIES: config.get('MAX_RETRIES', { infer: true }),
    REPORT_RETRY_DELAYS_MS: config.get('REPORT_RETRY_DELAYS_MS', { infer: true }),
    REPORT_DLQ_TTL_MS: config.get('REPORT_DLQ_TTL_MS', { infer: true }),
    REPORT_DLQ_MAX_LENGTH: config.get('REPORT_DLQ_MAX_LENGTH', { infer: true }),
    WEBHOOK_SECRET: config.get('WEBHOOK_SECRET', { infer: true }),
    WEBHOOK_MAX_ATTEMPTS: config.get('WEBHOOK_MAX_ATTEMPTS', { infer: true }),
    WEBHOOK_RETRY_DELAYS_MS: config.get('WEBHOOK_RETRY_DELAYS_MS', { infer: true }),
    queueKind: queueKindFrom(config as unknown as ConfigService),
  });
}
