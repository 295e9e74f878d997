import { reportTopology } from './report-topology';

describe('reportTopology', () => {
  it('derives the DLQ and one delay queue per retry from the request queue', () => {
    const topology = reportTopology({
      RABBITMQ_REQUEST_QUEUE: 'report_generation_requests',
      RABBITMQ_RESPONSE_QUEUE: 'report_generation_responses',
      MAX_RETRIES: 4,
      REPORT_RETRY_DELAYS_MS: [1000, 5000],
    });
    expect(topology.deadLetterQueue).toBe('report_generation_requests_dlq');
    expect(topology.retryQueues).toEqual([
      { name: 'report_generation_requests.retry.1', delayMs: 1000 },
      { name: 'report_generation_requests.retry.2', delayMs: 5000 },
      { name: 'report_generation_requests.retry.3', delayMs: 5000 },
      { name: 'report_generation_requests.retry.4', delayMs: 5000 },
    ]);
    expect(topology.requestQueueArguments).toEqual({ 'x-max-priority': 10 });
    expect(topology.declarations.find((q) => q.name === 'report_generation_responses')?.options.arguments).toEqual({ 'x-message-ttl': 86_400_000 });
    expect(topology.declarations.find((q) => q.name.endsWith('.retry.1'))?.options.arguments).toEqual({
      'x-message-ttl': 1000,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'report_generation_requests',
    });
  });
});
