import { ReportWorkerEnv } from '@app/config';
import { REPORT_PRIORITY, REPORT_RESPONSE_TTL_MS } from '@app/contracts';

type TopologySettings = Pick<ReportWorkerEnv, 'RABBITMQ_REQUEST_QUEUE' | 'RABBITMQ_RESPONSE_QUEUE' | 'MAX_RETRIES' | 'REPORT_RETRY_DELAYS_MS'>;

export interface QueueDeclaration {
  name: string;
  options: { durable: boolean; arguments?: Record<string, unknown> };
}

export interface ReportTopology {
  requestQueue: string;
  /** The only argument on the request queue; clients that declare it must pass the same (or use noAssert). */
  requestQueueArguments: { 'x-max-priority': number };
  responseQueue: string;
  deadLetterQueue: string;
  /** retryQueues[i] holds a request for REPORT_RETRY_DELAYS_MS[i] before it returns to the request queue. */
  retryQueues: Array<{ name: string; delayMs: number }>;
  /** Declared by the consumer before it starts consuming, and again after each reconnect. */
  declarations: QueueDeclaration[];
}

/**
 * Queues of the report worker, derived from the request queue's name so that tests (and several
 * deployments on one broker) can run side by side: `<requests>_dlq`, `<requests>.retry.<n>`.
 */
export function reportTopology(settings: TopologySettings): ReportTopology {
  const requestQueue = settings.RABBITMQ_REQUEST_QUEUE;
  const delays = settings.REPORT_RETRY_DELAYS_MS.length > 0 ? settings.REPORT_RETRY_DELAYS_MS : [1000];
  const retryQueues = Array.from({ length: settings.MAX_RETRIES }, (_, i) => ({
    name: `${requestQueue}.retry.${i + 1}`,
    delayMs: delays[Math.min(i, delays.length - 1)],
  }));
  const responseQueue = settings.RABBITMQ_RESPONSE_QUEUE;
  const deadLetterQueue = `${requestQueue}_dlq`;
  const declarations: QueueDeclaration[] = [
    { name: responseQueue, options: { durable: true, arguments: { 'x-message-ttl': REPORT_RESPONSE_TTL_MS } } },
    { name: deadLetterQueue, options: { durable: true } },
    ...retryQueues.map(({ name, delayMs }) => ({
      name,
      options: {
        durable: true,
        arguments: { 'x-message-ttl': delayMs, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': requestQueue },
      },
    })),
  ];
  return {
    requestQueue,
    requestQueueArguments: { 'x-max-priority': REPORT_PRIORITY.max },
    responseQueue,
    deadLetterQueue,
    retryQueues,
    declarations,
  };
}
