import { webhookQueueNames, webhookSignature } from './webhook.constants';

describe('webhookSignature', () => {
  it('is sha256= and the hex HMAC-SHA256 of the raw body under the secret (a published test vector)', () => {
    expect(webhookSignature('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });

  it('signs the bytes as sent: the same JSON with other spacing has another signature', () => {
    const secret = 'x'.repeat(32);
    expect(webhookSignature(secret, Buffer.from('{"a":1}'))).toBe(webhookSignature(secret, '{"a":1}'));
    expect(webhookSignature(secret, '{"a": 1}')).not.toBe(webhookSignature(secret, '{"a":1}'));
  });
});

describe('webhookQueueNames', () => {
  it('names the job queue and its DLQ after the request queue', () => {
    expect(webhookQueueNames('report_generation_requests')).toEqual({
      queue: 'report_generation_requests.webhooks',
      deadLetterQueue: 'report_generation_requests.webhooks_dlq',
    });
  });
});
