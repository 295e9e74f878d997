import { webhookVerdict } from './webhook-attempt.verdict';

const answered = (status: number) => ({ kind: 'answered', status }) as const;

describe('webhookVerdict', () => {
  it.each([200, 201, 202, 204, 299])('takes %i as delivered, whatever the attempt', (status) => {
    expect(webhookVerdict(answered(status), 1, 6)).toEqual({ kind: 'delivered' });
    expect(webhookVerdict(answered(status), 6, 6)).toEqual({ kind: 'delivered' });
  });

  it.each([500, 502, 503, 504, 599, 408, 429])('retries %i before the last attempt', (status) => {
    expect(webhookVerdict(answered(status), 1, 6)).toEqual({ kind: 'retry', reason: `HTTP ${status}` });
    expect(webhookVerdict(answered(status), 5, 6)).toEqual({ kind: 'retry', reason: `HTTP ${status}` });
  });

  it('retries a network error or timeout', () => {
    expect(webhookVerdict({ kind: 'unreachable', error: 'ECONNREFUSED' }, 2, 6)).toEqual({
      kind: 'retry',
      reason: 'unreachable: ECONNREFUSED',
    });
  });

  it('dead-letters a retryable failure at the last attempt, saying so', () => {
    expect(webhookVerdict(answered(503), 6, 6)).toEqual({
      kind: 'dead-letter',
      reason: 'HTTP 503 at attempt 6 of 6',
    });
    expect(webhookVerdict({ kind: 'unreachable', error: 'no answer within 100 ms' }, 1, 1)).toEqual({
      kind: 'dead-letter',
      reason: 'unreachable: no answer within 100 ms at attempt 1 of 1',
    });
  });

  it.each([301, 302, 307, 308, 400, 401, 403, 404, 410, 413, 422, 100])(
    'dead-letters %i at once: redirects are not followed and a refusal would be refused again',
    (status) => {
      expect(webhookVerdict(answered(status), 1, 6)).toEqual({
        kind: 'dead-letter',
        reason: `HTTP ${status} (not retried)`,
      });
    },
  );
});
