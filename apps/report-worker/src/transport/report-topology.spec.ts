import { reportTopology } from './report-topology';

describe('reportTopology', () => {
  const topology = reportTopology({
    RABBITMQ_REQUEST_QUEUE: 'report_generation_requests',
    RABBITMQ_RESPONSE_QUEUE: 'report_generation_responses',
    MAX_RETRIES: 4,
    REPORT_RETRY_DELAYS_MS: [1000, 5000],
  });

  it('derives the DLQ and one delay queue per distinct delay, named by the delay, from the request queue', () => {
    expect(topology.deadLetterQueue).toBe('report_generation_requests_dlq');
    expect(topology.retryQueues).toEqual([
      { name: 'report_generation_requests.retry.1000ms', delayMs: 1000 },
      { name: 'report_generation_requests.retry.5000ms', delayMs: 5000 },
    ]);
    expect(topology.requestQueueArguments).toEqual({ 'x-max-priority': 10 });
    expect(topology.declarations.find((q) => q.name === 'report_generation_responses')?.options.arguments).toEqual({ 'x-message-ttl': 86_400_000 });
    expect(topology.declarations.find((q) => q.name.endsWith('.retry.1000ms'))?.options.arguments).toEqual({
      'x-message-ttl': 1000,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'report_generation_requests',
    });
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
    const more = reportTopology({ ...{ RABBITMQ_REQUEST_QUEUE: 'q', RABBITMQ_RESPONSE_QUEUE: 'r', REPORT_RETRY_DELAYS_MS: [1000, 5000] }, MAX_RETRIES: 8 });
    const fewer = reportTopology({ ...{ RABBITMQ_REQUEST_QUEUE: 'q', RABBITMQ_RESPONSE_QUEUE: 'r', REPORT_RETRY_DELAYS_MS: [1000, 5000] }, MAX_RETRIES: 2 });
    expect(more.declarations).toEqual(fewer.declarations);
  });
});
