import { ReportWorkerEnv } from '@app/config';
import { REPORT_PRIORITY, REPORT_RESPONSE_TTL_MS, retryQueueName } from '@app/contracts';
import { retryQueueOptions } from '@app/messaging';
import type { Options } from 'amqplib';

type TopologySettings = Pick<ReportWorkerEnv, 'RABBITMQ_REQUEST_QUEUE' | 'RABBITMQ_RESPONSE_QUEUE' | 'MAX_RETRIES' | 'REPORT_RETRY_DELAYS_MS'>;

export interface QueueDeclaration {
  name: string;
  options: Options.AssertQueue;
}

export interface ReportTopology {
  requestQueue: string;
  /** The only argument on the request queue; clients that declare it must pass the same (or use noAssert). */
  requestQueueArguments: { 'x-max-priority': number };
  responseQueue: string;
  deadLetterQueue: string;
  /** Retries allowed before a transiently failing request is dead-lettered (MAX_RETRIES). */
  maxRetries: number;
  /** One delay queue per distinct delay: a request waits there for its TTL, then returns to the request queue. */
  retryQueues: Array<{ name: string; delayMs: number }>;
  /** The delay queue of retry number `retry` (1-based); the last delay repeats. */
  retryQueueFor(retry: number): string;
  /** Declared by the consumer before it starts consuming, and again after each reconnect. */
  declarations: QueueDeclaration[];
}

/**
 * Queues of the report worker, derived from the request queue's name so that tests (and several
 * deployments on one broker) can run side by side: `<requests>_dlq`, `<requests>.retry.<delay>ms`.
 * Delay queues are named by their delay, as the event pipeline's are: a queue's TTL is fixed when
 * it is declared, so a deployment that changes REPORT_RETRY_DELAYS_MS declares new queues instead
 * of redeclaring old names with other arguments (which the broker refuses with PRECONDITION_FAILED).
 */
export function reportTopology(settings: TopologySettings): ReportTopology {
  const requestQueue = settings.RABBITMQ_REQUEST_QUEUE;
  const delays = settings.REPORT_RETRY_DELAYS_MS.length > 0 ? settings.REPORT_RETRY_DELAYS_MS : [1000];
  const used = [...new Set(delays.slice(0, Math.max(settings.MAX_RETRIES, 1)))];
  const retryQueues = used.map((delayMs) => ({ name: retryQueueName(requestQueue, delayMs), delayMs }));
  const retryQueueFor = (retry: number) => retryQueueName(requestQueue, delays[Math.min(Math.max(retry, 1), delays.length) - 1]);
  const responseQueue = settings.RABBITMQ_RESPONSE_QUEUE;
  const deadLetterQueue = `${requestQueue}_dlq`;
  const declarations: QueueDeclaration[] = [
    { name: responseQueue, options: { durable: true, arguments: { 'x-message-ttl': REPORT_RESPONSE_TTL_MS } } },
    { name: deadLetterQueue, options: { durable: true } },
    ...retryQueues.map(({ name, delayMs }) => ({ name, options: retryQueueOptions(requestQueue, delayMs) })),
  ];
  return {
    requestQueue,
    requestQueueArguments: { 'x-max-priority': REPORT_PRIORITY.max },
    responseQueue,
    deadLetterQueue,
    maxRetries: settings.MAX_RETRIES,
    retryQueues,
    retryQueueFor,
    declarations,
  };
}
