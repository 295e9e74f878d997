import { parseWebhookHosts, ReportWorkerEnv } from '@app/config';
import { Delivery } from '@app/messaging';
import { ConfigService } from '@nestjs/config';
import { ReportMetrics } from '../metrics/report.metrics';
import { WebhookAttempt } from './webhook-attempt.verdict';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookFailure, WebhookJobPublisher } from './webhook-job.publisher';
import { WebhookAbortedError, WebhookSender } from './webhook.sender';
import { WebhookUrlPolicy } from './webhook-url.policy';

const URL_OK = 'https://hooks.example.com/in?token=t';

function job(headers: Record<string, unknown>): Delivery {
  return { content: Buffer.from('{"request_id":"r1"}'), properties: { headers }, redelivered: false, routingKey: 'q' };
}

const jobFor = (url: string, attempt = 1) =>
  job({ 'x-webhook-url': url, 'x-webhook-delivery': 'd-1', 'x-report-attempt': attempt });

class FakePublisher {
  readonly published: Array<{ kind: 'retry' | 'dead-letter'; attempt: number; failure: WebhookFailure }> = [];
  fail = false;
  async retry(_job: Delivery, attempt: number, failure: WebhookFailure) {
    if (this.fail) throw new Error('broker did not accept the message');
    this.published.push({ kind: 'retry', attempt, failure });
  }
  async deadLetter(_job: Delivery, attempt: number, failure: WebhookFailure) {
    if (this.fail) throw new Error('broker did not accept the message');
    this.published.push({ kind: 'dead-letter', attempt, failure });
  }
}

describe('WebhookDeliveryService', () => {
  let result: WebhookAttempt | Error;
  let posts: number;
  let publisher: FakePublisher;
  let metrics: ReportMetrics;
  let service: WebhookDeliveryService;

  beforeEach(() => {
    result = { kind: 'answered', status: 200 };
    posts = 0;
    publisher = new FakePublisher();
    metrics = new ReportMetrics();
    const sender = {
      post: async () => {
        posts++;
        if (result instanceof Error) throw result;
        return result;
      },
    } as unknown as WebhookSender;
    const policy = new WebhookUrlPolicy({
      secret: 's'.repeat(32),
      allowedHosts: parseWebhookHosts('hooks.example.com'),
      allowHttp: false,
    });
    const settings: Record<string, number> = { WEBHOOK_MAX_ATTEMPTS: 3, REPORT_DRAIN_TIMEOUT_MS: 10 };
    const config = { get: (key: string) => settings[key] } as unknown as ConfigService<ReportWorkerEnv, true>;
    service = new WebhookDeliveryService(policy, sender, publisher as unknown as WebhookJobPublisher, metrics, config);
  });

  it('acks a 2xx without publishing anything', async () => {
    expect(await service.handle(jobFor(URL_OK))).toEqual({ kind: 'ack' });
    expect(publisher.published).toEqual([]);
    expect(metrics.webhooks.value({ result: 'delivered' })).toBe(1);
  });

  it('acks a 503 once its copy is in the retry queue of this attempt, keeping the status', async () => {
    result = { kind: 'answered', status: 503 };
    expect(await service.handle(jobFor(URL_OK, 2))).toEqual({ kind: 'ack' });
    expect(publisher.published).toEqual([{ kind: 'retry', attempt: 2, failure: { status: 503, reason: 'HTTP 503' } }]);
  });

  it('dead-letters at the last attempt and on a status that is not retried', async () => {
    result = { kind: 'unreachable', error: 'ECONNREFUSED' };
    await service.handle(jobFor(URL_OK, 3));
    result = { kind: 'answered', status: 410 };
    await service.handle(jobFor(URL_OK, 1));
    expect(publisher.published).toEqual([
      { kind: 'dead-letter', attempt: 3, failure: { reason: 'unreachable: ECONNREFUSED at attempt 3 of 3' } },
      { kind: 'dead-letter', attempt: 1, failure: { status: 410, reason: 'HTTP 410 (not retried)' } },
    ]);
  });

  it('checks the URL again before the POST: a refused one is dead-lettered, never called', async () => {
    await service.handle(jobFor('https://elsewhere.example.com/in'));
    await service.handle(job({ 'x-webhook-delivery': 'd-2' }));
    expect(posts).toBe(0);
    expect(publisher.published.map((p) => p.failure.reason)).toEqual([
      'refused: callback_url: host elsewhere.example.com:443 is not in WEBHOOK_ALLOWED_HOSTS',
      'not a webhook job: x-webhook-url or x-webhook-delivery missing',
    ]);
  });

  it('hands the job back (requeue) when its copy cannot be published: never acked before the copy exists', async () => {
    result = { kind: 'answered', status: 500 };
    publisher.fail = true;
    expect(await service.handle(jobFor(URL_OK))).toEqual({
      kind: 'requeue',
      reason: 'broker did not accept the message',
    });
    expect(metrics.webhooks.value({ result: 'requeued' })).toBe(1);
  });

  it('hands back a POST that shutdown cut short, as held, without spending an attempt', async () => {
    result = new WebhookAbortedError();
    expect(await service.handle(jobFor(URL_OK))).toEqual({
      kind: 'requeue',
      reason: 'webhook POST aborted: shutting down',
      held: true,
    });
    expect(publisher.published).toEqual([]);
  });
});
