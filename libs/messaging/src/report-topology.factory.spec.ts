import { reportTopology } from './report-topology.factory';

const base = {
  RABBITMQ_REQUEST_QUEUE: 'report_generation_requests',
  RABBITMQ_RESPONSE_QUEUE: 'report_generation_responses',
  MAX_RETRIES: 4,
  REPORT_RETRY_DELAYS_MS: [1000, 5000],
  REPORT_DLQ_TTL_MS: 1_209_600_000,
  REPORT_DLQ_MAX_LENGTH: 100_000,
};
const quorum = { type: 'quorum', deliveryLimit: 20 } as const;

describe('reportTopology', () => {
  const topology = reportTopology({ ...base, queueKind: quorum });
  const declared = (name: string) => topology.declarations.find((q) => q.name === name)?.options;

  it('derives the DLQ, the urgent queue and one delay queue per distinct delay, named by the delay, from the request queue', () => {
    expect(topology.deadLetterQueue).toBe('report_generation_requests_dlq');
    expect(topology.urgentQueue).toBe('report_generation_requests.urgent');
    expect(topology.retryQueues).toEqual([
      { name: 'report_generation_requests.retry.1000ms', delayMs: 1000 },
      { name: 'report_generation_requests.retry.5000ms', delayMs: 5000 },
    ]);
  });

  it('declares quorum queues: requests with a delivery limit dead-lettered at least once into the DLQ (kept for its TTL, bounded), delay queues back to the request queue', () => {
    const request = {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': 'report_generation_requests_dlq',
        'x-overflow': 'reject-publish',
        'x-dead-letter-strategy': 'at-least-once',
        'x-delivery-limit': 20,
      },
    };
    expect(topology.requestQueueOptions).toEqual(request);
    expect(declared('report_generation_requests.urgent')).toEqual(request);
    expect(declared('report_generation_responses')).toEqual({
      durable: true,
      arguments: { 'x-queue-type': 'quorum', 'x-message-ttl': 86_400_000 },
    });
    expect(declared('report_generation_requests_dlq')).toEqual({
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': 1_209_600_000,
        'x-max-length': 100_000,
        'x-overflow': 'reject-publish',
      },
    });
    expect(declared('report_generation_requests.retry.1000ms')?.arguments).toMatchObject({
      'x-message-ttl': 1000,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'report_generation_requests',
      'x-dead-letter-strategy': 'at-least-once',
    });
  });

  it('keeps the classic priority queue, without an urgent queue, on a single node', () => {
    const classic = reportTopology({ ...base, queueKind: { type: 'classic', deliveryLimit: 20 } });
    expect(classic.requestQueueOptions).toEqual({ durable: true, arguments: { 'x-max-priority': 10 } });
    expect(classic.urgentQueue).toBeUndefined();
    expect(classic.declarations.map((q) => q.name)).not.toContain('report_generation_requests.urgent');
  });

  it('sends each retry to the queue of its delay, the last delay repeating', () => {
    expect([1, 2, 3, 4].map((retry) => topology.retryQueueFor(retry))).toEqual([
      'report_generation_requests.retry.1000ms',
      'report_generation_requests.retry.5000ms',
      'report_generation_requests.retry.5000ms',
      'report_generation_requests.retry.5000ms',
    ]);
  });

  it('keeps the queue names when only the number of retries changes, so redeploying never redeclares a queue differently', () => {
    const more = reportTopology({ ...base, MAX_RETRIES: 8, queueKind: quorum });
    const fewer = reportTopology({ ...base, MAX_RETRIES: 2, queueKind: quorum });
    expect(more.declarations).toEqual(fewer.declarations);
  });
});

describe('reportTopology: webhooks', () => {
  const webhookSettings = {
    WEBHOOK_SECRET: 'x'.repeat(32),
    WEBHOOK_MAX_ATTEMPTS: 4,
    WEBHOOK_RETRY_DELAYS_MS: [5000, 30000, 300000, 600000],
  };
  const topology = reportTopology({ ...base, ...webhookSettings, queueKind: quorum });
  const declared = (name: string) => topology.declarations.find((q) => q.name === name)?.options;

  it('declares no webhook queue while webhooks are off (no WEBHOOK_SECRET)', () => {
    const off = reportTopology({ ...base, queueKind: quorum });
    expect(off.webhooks).toBeUndefined();
    expect(off.declarations.map((q) => q.name).filter((name) => name.includes('webhooks'))).toEqual([]);
  });

  it('names the job queue, its DLQ and one delay queue per delay a retry can use, after the request queue', () => {
    expect(topology.webhooks).toMatchObject({
      queue: 'report_generation_requests.webhooks',
      deadLetterQueue: 'report_generation_requests.webhooks_dlq',
      maxAttempts: 4,
    });
    // 4 attempts: 3 retries, so the fourth delay is never used.
    expect(topology.webhooks!.retryQueues.map((q) => q.name)).toEqual([
      'report_generation_requests.webhooks.retry.5000ms',
      'report_generation_requests.webhooks.retry.30000ms',
      'report_generation_requests.webhooks.retry.300000ms',
    ]);
    expect([1, 2, 3, 7].map((attempt) => topology.webhooks!.retryQueueFor(attempt))).toEqual([
      'report_generation_requests.webhooks.retry.5000ms',
      'report_generation_requests.webhooks.retry.30000ms',
      'report_generation_requests.webhooks.retry.300000ms',
      'report_generation_requests.webhooks.retry.600000ms',
    ]);
  });

  it('declares them as quorum queues: jobs with the delivery limit dead-lettered into the webhook DLQ, delays back to the job queue', () => {
    expect(declared('report_generation_requests.webhooks')).toEqual({
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': 'report_generation_requests.webhooks_dlq',
        'x-overflow': 'reject-publish',
        'x-dead-letter-strategy': 'at-least-once',
        'x-delivery-limit': 20,
      },
    });
    expect(declared('report_generation_requests.webhooks_dlq')).toEqual({
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': 1_209_600_000,
        'x-max-length': 100_000,
        'x-overflow': 'reject-publish',
      },
    });
    expect(declared('report_generation_requests.webhooks.retry.30000ms')?.arguments).toEqual({
      'x-queue-type': 'quorum',
      'x-message-ttl': 30000,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'report_generation_requests.webhooks',
      'x-overflow': 'reject-publish',
      'x-dead-letter-strategy': 'at-least-once',
    });
  });

  it('on classic queues: the job queue without quorum-only arguments', () => {
    const classic = reportTopology({ ...base, ...webhookSettings, queueKind: { type: 'classic', deliveryLimit: 20 } });
    expect(classic.webhooks!.queueOptions).toEqual({ durable: true, arguments: {} });
  });
});
