import { QueueAdminService, ReportDeadLettersService } from '@app/messaging';
import { FakeQueueAdmin, reportRequest } from '@app/testing';
import type { ReportTopology } from '@app/messaging';
import { DeadLettersService } from './dead-letters.service';

const topology = { requestQueue: 'requests', deadLetterQueue: 'requests_dlq' } as ReportTopology;

describe('DeadLettersService', () => {
  let admin: FakeQueueAdmin;
  let service: DeadLettersService;

  beforeEach(() => {
    admin = new FakeQueueAdmin();
    const queues = admin as unknown as QueueAdminService;
    service = new DeadLettersService(queues, topology, new ReportDeadLettersService(queues, topology));
  });

  it('lists and replays the request DLQ through the report dead letters of libs/messaging', async () => {
    admin.letters = [
      { headers: { 'x-dead-letter-reason': 'invalid request' }, body: reportRequest({ request_id: 'r-1' }) },
    ];
    expect((await service.list(5)).messages).toEqual([
      expect.objectContaining({ request_id: 'r-1', reason: 'invalid request' }),
    ]);
    expect(await service.replay(5)).toEqual({ queue: 'requests_dlq', target: 'requests', replayed: 1 });
    expect(admin.replays[0]).toMatchObject({ queue: 'requests_dlq', limit: 5, options: { target: 'requests' } });
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
