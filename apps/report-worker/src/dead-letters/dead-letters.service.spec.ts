import { DeadLetter, QueueAdminService, QueueReplayOptions } from '@app/messaging';
import { EnvelopeCipher, KeyRing } from '@app/crypto';
import { reportRequest } from '@app/testing';
import { randomBytes } from 'node:crypto';
import { sealDeadLetter } from './sealed-dead-letter';
import type { ReportTopology } from '@app/messaging';
import { DeadLettersService } from './dead-letters.service';

class FakeQueueAdmin {
  letters: DeadLetter[] = [];
  replays: Array<{ queue: string; limit: number; options: QueueReplayOptions }> = [];

  async stats(queue: string) {
    return { queue, messages: this.letters.length, consumers: 0 };
  }

  async peek(_queue: string, limit: number) {
    return this.letters.slice(0, limit);
  }

  async replayToQueue(queue: string, limit: number, options: QueueReplayOptions) {
    this.replays.push({ queue, limit, options });
    return { replayed: Math.min(limit, this.letters.length) };
  }
}

const topology = { requestQueue: 'requests', deadLetterQueue: 'requests_dlq' } as ReportTopology;

const cipher = new EnvelopeCipher(KeyRing.parse(`k1:${randomBytes(32).toString('base64')}`));

describe('DeadLettersService', () => {
  let admin: FakeQueueAdmin;
  let service: DeadLettersService;

  beforeEach(() => {
    admin = new FakeQueueAdmin();
    service = new DeadLettersService(admin as unknown as QueueAdminService, topology, cipher);
  });

  it('lists the first dead letters of <requests>_dlq with the total, as ids and failure headers only', async () => {
    admin.letters = ['r-1', 'r-2', 'r-3'].map((id) => ({
      headers: { 'x-dead-letter-reason': `invalid request: ${id}` },
      body: reportRequest({ request_id: id, user_id: 'u-1' }),
    }));
    const listing = await service.list(2);
    expect(listing).toEqual({
      queue: 'requests_dlq',
      total: 3,
      messages: [
        { request_id: 'r-1', user_id: 'u-1', reason: 'invalid request: r-1' },
        { request_id: 'r-2', user_id: 'u-1', reason: 'invalid request: r-2' },
      ],
    });
    expect(JSON.stringify(listing)).not.toMatch(/labs|patient|cholesterol/);
  });

  it('opens a sealed dead letter to show its ids, and nothing else of it', async () => {
    const sealed = sealDeadLetter(
      cipher,
      'requests_dlq',
      Buffer.from(JSON.stringify(reportRequest({ request_id: 'r-9', user_id: 'u-9' }))),
    );
    expect(sealed.body.toString()).not.toMatch(/u-9|labs|patient/);
    admin.letters = [
      { headers: { ...sealed.headers, 'x-dead-letter-reason': 'invalid request' }, body: sealed.body.toString() },
    ];
    const listing = await service.list(1);
    expect(listing.messages).toEqual([{ request_id: 'r-9', user_id: 'u-9', reason: 'invalid request' }]);
  });

  it('replays into the request queue with the attempt count and failure record reset', async () => {
    admin.letters = [{ headers: {}, body: {} }];
    expect(await service.replay(5)).toEqual({ queue: 'requests_dlq', target: 'requests', replayed: 1 });
    expect(admin.replays).toEqual([
      {
        queue: 'requests_dlq',
        limit: 5,
        options: {
          target: 'requests',
          resetHeaders: ['x-report-attempt', 'x-dead-letter-reason', 'x-failed-at', 'x-worker', 'x-sealed-body'],
          contentOf: expect.any(Function),
        },
      },
    ]);
  });

  it('lists the webhook DLQ as delivery id, response ids and status, the target origin and the failure, never the URL path or query', async () => {
    admin.letters = [
      {
        message_id: 'd-1',
        headers: {
          'x-webhook-url': 'https://hooks.example.com/in?token=s3cret',
          'x-webhook-delivery': 'd-1',
          'x-report-attempt': 6,
          'x-webhook-last-status': 503,
          'x-dead-letter-reason': 'HTTP 503 at attempt 6 of 6',
          'x-failed-at': '2026-01-01T00:00:00.000Z',
          'x-worker': 'host:1',
        },
        body: { request_id: 'r-1', user_id: 'u-1', report_id: 'rep-1', status: 'success', error_message: null },
      },
    ];
    const listing = await service.list(20, 'webhooks');
    expect(listing).toEqual({
      queue: 'requests.webhooks_dlq',
      total: 1,
      messages: [
        {
          delivery_id: 'd-1',
          request_id: 'r-1',
          user_id: 'u-1',
          status: 'success',
          target: 'https://hooks.example.com',
          reason: 'HTTP 503 at attempt 6 of 6',
          attempt: 6,
          last_status: 503,
          failed_at: '2026-01-01T00:00:00.000Z',
          worker: 'host:1',
        },
      ],
    });
    expect(JSON.stringify(listing)).not.toContain('s3cret');
  });

  it('names the broker as the cause of a webhook job it dead-lettered past the delivery limit', async () => {
    admin.letters = [
      {
        headers: {
          'x-webhook-delivery': 'd-2',
          'x-death': [{ reason: 'delivery_limit', queue: 'requests.webhooks', time: { value: 1767225600 } }],
        },
        body: { request_id: 'r-2', status: 'failed' },
      },
    ];
    expect((await service.list(20, 'webhooks')).messages).toEqual([
      {
        delivery_id: 'd-2',
        request_id: 'r-2',
        status: 'failed',
        reason: 'dead-lettered by the broker: delivery_limit in requests.webhooks',
        failed_at: '2026-01-01T00:00:00.000Z',
      },
    ]);
  });

  it('replays the webhook DLQ into the webhook queue with the attempts and failure reset, keeping URL and delivery id', async () => {
    admin.letters = [{ headers: {}, body: {} }];
    expect(await service.replay(7, 'webhooks')).toEqual({
      queue: 'requests.webhooks_dlq',
      target: 'requests.webhooks',
      replayed: 1,
    });
    expect(admin.replays).toEqual([
      {
        queue: 'requests.webhooks_dlq',
        limit: 7,
        options: {
          target: 'requests.webhooks',
          resetHeaders: [
            'x-report-attempt',
            'x-dead-letter-reason',
            'x-failed-at',
            'x-worker',
            'x-webhook-last-status',
          ],
        },
      },
    ]);
  });
});
