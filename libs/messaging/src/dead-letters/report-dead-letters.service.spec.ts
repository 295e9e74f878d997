import { QueueAdminService } from '@app/messaging';
import { EnvelopeCipher, KeyRing } from '@app/crypto';
import { FakeQueueAdmin, reportRequest } from '@app/testing';
import { randomBytes } from 'node:crypto';
import { sealDeadLetter } from './sealed-dead-letter';
import type { ReportTopology } from '@app/messaging';
import { DeadLetterSealedError, ReportDeadLettersService } from './report-dead-letters.service';

const topology = { requestQueue: 'requests', deadLetterQueue: 'requests_dlq' } as ReportTopology;

const cipher = new EnvelopeCipher(KeyRing.parse(`k1:${randomBytes(32).toString('base64')}`));

describe('ReportDeadLettersService', () => {
  let admin: FakeQueueAdmin;
  let service: ReportDeadLettersService;

  beforeEach(() => {
    admin = new FakeQueueAdmin();
    service = new ReportDeadLettersService(admin as unknown as QueueAdminService, topology, cipher);
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
          only: undefined,
        },
      },
    ]);
  });

  describe('in a process without the key ring', () => {
    const sealedLetter = () => {
      const sealed = sealDeadLetter(
        cipher,
        'requests_dlq',
        Buffer.from(JSON.stringify(reportRequest({ request_id: 'r-7', user_id: 'u-7' }))),
      );
      return { content: sealed.body, properties: { headers: { ...sealed.headers, 'x-report-attempt': 3 } } };
    };

    beforeEach(() => {
      service = new ReportDeadLettersService(admin as unknown as QueueAdminService, topology);
    });

    it('lists a sealed letter by its failure headers only, its ids staying sealed', async () => {
      const { content, properties } = sealedLetter();
      admin.letters = [{ message_id: 'm-7', headers: properties.headers, body: content.toString() }];
      const listing = await service.list(5);
      expect(listing.messages).toEqual([{ message_id: 'm-7', attempt: 3 }]);
    });

    it('refuses to open a sealed letter for a replay, and passes an unsealed one through', async () => {
      await service.replay(1, 'm-7');
      const { contentOf } = admin.replays[0].options;
      expect(() => contentOf!(sealedLetter() as never)).toThrow(DeadLetterSealedError);
      const plain = Buffer.from('{"request_id":"r-8"}');
      expect(contentOf!({ content: plain, properties: { headers: {} } } as never)).toBe(plain);
      expect(admin.replays[0].options.only).toBe('m-7');
    });
  });
});
