import {
  REPORT_QUEUES,
  REPORT_RESPONSE_TTL_MS,
  reportQueueNames,
  retryQueueName,
  webhookQueueNames,
} from '@app/contracts';
import { durableQueueOptions } from '@app/messaging';
import type { Options } from 'amqplib';
import { serviceUrls, uniqueName } from './service-urls';

/**
 * Settings for one report-worker under test: its own request/response queues (so retry and
 * dead-letter queues are unique too) and its own Mongo database, on the shared services.
 */
export function reportTestEnv(prefix: string, overrides: Record<string, string> = {}): Record<string, string> {
  const name = uniqueName(prefix);
  const mongo = new URL(serviceUrls.mongodb);
  mongo.pathname = `/${name}`;
  return {
    RABBITMQ_URL: serviceUrls.rabbitmq,
    RABBITMQ_REQUEST_QUEUE: `${name}.requests`,
    RABBITMQ_RESPONSE_QUEUE: `${name}.responses`,
    RABBITMQ_PREFETCH_COUNT: '16',
    MONGODB_URI: mongo.toString(),
    REDIS_URL: serviceUrls.redis,
    MAX_RETRIES: '3',
    REPORT_RETRY_DELAYS_MS: '100,200,300',
    REPORT_DRAIN_TIMEOUT_MS: '10000',
    OPENAI_API_KEY: '',
    LOG_LEVEL: 'warn',
    ...overrides,
  };
}

/**
 * Every queue a report worker with these settings declares: the request, urgent, response and
 * dead-letter queues and its delay queues, and with WEBHOOK_SECRET set the webhook queues too.
 */
export function reportTestQueues(env: Record<string, string | undefined>): string[] {
  const requests = env.RABBITMQ_REQUEST_QUEUE ?? REPORT_QUEUES.requests;
  const delays = (env.REPORT_RETRY_DELAYS_MS ?? '1000,5000,30000').split(',').map((delay) => Number(delay.trim()));
  const { urgentQueue, deadLetterQueue } = reportQueueNames(requests);
  return [
    requests,
    urgentQueue,
    env.RABBITMQ_RESPONSE_QUEUE ?? REPORT_QUEUES.responses,
    deadLetterQueue,
    ...delays.map((delay) => retryQueueName(requests, delay)),
    ...(env.WEBHOOK_SECRET ? webhookTestQueues(requests, env.WEBHOOK_RETRY_DELAYS_MS ?? '5000,30000,300000') : []),
  ];
}

function webhookTestQueues(requests: string, delays: string): string[] {
  const { queue, deadLetterQueue } = webhookQueueNames(requests);
  return [queue, deadLetterQueue, ...delays.split(',').map((delay) => retryQueueName(queue, Number(delay.trim())))];
}

/**
 * The response queue as a worker with the shipped queue settings declares it (quorum, 24 h TTL),
 * so a spec can collect answers before any worker runs.
 */
export function reportResponseQueueOptions(): Options.AssertQueue {
  return durableQueueOptions(
    { type: 'quorum', deliveryLimit: 20 },
    { arguments: { 'x-message-ttl': REPORT_RESPONSE_TTL_MS } },
  );
}
