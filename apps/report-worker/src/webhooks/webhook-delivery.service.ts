import { ReportWorkerEnv } from '@app/config';
import { REPORT_HEADERS, WEBHOOK_JOB_HEADERS } from '@app/contracts';
import { ACK, DeliveriesInHand, Delivery, DeliveryOutcome } from '@app/messaging';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ReportMetrics } from '../metrics/report.metrics';
import { webhookVerdict } from './webhook-attempt.verdict';
import { WebhookFailure, WebhookJobPublisher } from './webhook-job.publisher';
import { WebhookAbortedError, WebhookSender } from './webhook.sender';
import { originOf, WebhookUrlPolicy } from './webhook-url.policy';

function attemptOf(job: Delivery): number {
  const attempt = Number(job.properties.headers?.[REPORT_HEADERS.attempt] ?? 1);
  return Number.isInteger(attempt) && attempt > 0 ? attempt : 1;
}

function header(job: Delivery, name: string): string | undefined {
  const value = job.properties.headers?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * One delivery of a webhook job, from the queue to its outcome: check the URL against the policy
 * again (the settings may have changed since the request came), POST, then ack (2xx), or ack once
 * a copy is confirmed in the next delay queue or the webhook DLQ (webhookVerdict). When that copy
 * cannot be published, or shutdown cuts the POST short, the job goes back to the broker (requeue):
 * nothing is acked before its copy exists. A drain waits for the POSTs in hand.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger(WebhookDeliveryService.name);
  private readonly inHand = new DeliveriesInHand();
  private readonly maxAttempts: number;
  private readonly drainTimeoutMs: number;

  constructor(
    @Inject(WebhookUrlPolicy) private readonly policy: WebhookUrlPolicy,
    private readonly sender: WebhookSender,
    private readonly publisher: WebhookJobPublisher,
    private readonly metrics: ReportMetrics,
    config: ConfigService<ReportWorkerEnv, true>,
  ) {
    this.maxAttempts = config.get('WEBHOOK_MAX_ATTEMPTS', { infer: true });
    this.drainTimeoutMs = config.get('REPORT_DRAIN_TIMEOUT_MS', { infer: true });
  }

  handle(job: Delivery): Promise<DeliveryOutcome> {
    return this.inHand.hold(async () => {
      const outcome = await this.deliver(job);
      this.metrics.webhooks.inc({ result: outcome.kind === 'requeue' ? 'requeued' : outcome.result });
      return outcome.kind === 'requeue' ? outcome : ACK;
    });
  }

  private async deliver(
    job: Delivery,
  ): Promise<{ kind: 'ack'; result: string } | { kind: 'requeue'; reason: string; held?: boolean }> {
    const attempt = attemptOf(job);
    const url = header(job, WEBHOOK_JOB_HEADERS.url);
    const deliveryId = header(job, WEBHOOK_JOB_HEADERS.deliveryId);
    const context = { delivery_id: deliveryId, request_id: job.properties.correlationId, attempt };
    try {
      if (!url || !deliveryId) {
        const reason = `not a webhook job: ${WEBHOOK_JOB_HEADERS.url} or ${WEBHOOK_JOB_HEADERS.deliveryId} missing`;
        return await this.deadLetter(job, attempt, { reason }, context);
      }
      const target = originOf(url);
      const refusal = this.policy.refusal(url);
      if (refusal)
        return await this.deadLetter(job, attempt, { reason: `refused: ${refusal}` }, { ...context, target });
      const result = await this.sender.post(url, job.content, deliveryId, this.inHand.stopping);
      const verdict = webhookVerdict(result, attempt, this.maxAttempts);
      const failure = { status: result.kind === 'answered' ? result.status : undefined };
      if (verdict.kind === 'delivered') {
        this.logger.log({ message: 'webhook delivered', ...context, target, status: failure.status });
        return { kind: 'ack', result: 'delivered' };
      }
      if (verdict.kind === 'dead-letter')
        return await this.deadLetter(job, attempt, { ...failure, reason: verdict.reason }, { ...context, target });
      await this.publisher.retry(job, attempt, { ...failure, reason: verdict.reason });
      this.logger.warn({ message: 'webhook failed, retry scheduled', ...context, target, reason: verdict.reason });
      return { kind: 'ack', result: 'retried' };
    } catch (error) {
      if (error instanceof WebhookAbortedError) return { kind: 'requeue', reason: error.message, held: true };
      this.logger.error({ message: 'webhook outcome not published; job requeued', ...context, error: String(error) });
      return { kind: 'requeue', reason: (error as Error).message };
    }
  }

  private async deadLetter(
    job: Delivery,
    attempt: number,
    failure: WebhookFailure,
    context: Record<string, unknown>,
  ): Promise<{ kind: 'ack'; result: string }> {
    await this.publisher.deadLetter(job, attempt, failure);
    this.logger.error({ message: 'webhook dead-lettered', ...context, reason: failure.reason });
    return { kind: 'ack', result: 'dead_lettered' };
  }

  /**
   * Shutdown, once the consumer is cancelled: the POSTs in hand may finish (each is bounded by
   * WEBHOOK_TIMEOUT_MS) within REPORT_DRAIN_TIMEOUT_MS; those still running are then cut short and
   * their jobs go back to the broker, to be POSTed again with the same delivery id.
   */
  drain(): Promise<void> {
    return this.inHand.drain(this.drainTimeoutMs);
  }
}
