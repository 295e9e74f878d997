import { ReportWorkerEnv } from '@app/config';
import { WEBHOOK_HTTP_HEADERS, webhookSignature } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { WebhookAttempt } from './webhook-attempt.verdict';

/** The POST was cut short because the worker is shutting down: not an attempt, the job goes back. */
export class WebhookAbortedError extends Error {
  constructor() {
    super('webhook POST aborted: shutting down');
    this.name = 'WebhookAbortedError';
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error).message;
  return String(detail).slice(0, 200);
}

/**
 * One POST of a webhook: the exact body bytes, signed (X-Report-Signature: sha256=<hex HMAC of the
 * body under WEBHOOK_SECRET>), with the job's delivery id. Redirects are not followed (a 3xx is the
 * answer). The answer's body is not read: only its status counts, within WEBHOOK_TIMEOUT_MS.
 */
@Injectable()
export class WebhookSender {
  private readonly secret: string;
  private readonly timeoutMs: number;

  constructor(config: ConfigService<ReportWorkerEnv, true>) {
    this.secret = config.get('WEBHOOK_SECRET', { infer: true });
    this.timeoutMs = config.get('WEBHOOK_TIMEOUT_MS', { infer: true });
  }

  /** The attempt's result; throws WebhookAbortedError only when `stopping` aborted it. */
  async post(url: string, body: Buffer, deliveryId: string, stopping: AbortSignal): Promise<WebhookAttempt> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await fetch(url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.any([timeout, stopping]),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'report-worker-webhooks',
          [WEBHOOK_HTTP_HEADERS.signature]: webhookSignature(this.secret, body),
          [WEBHOOK_HTTP_HEADERS.delivery]: deliveryId,
        },
      });
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'answered', status: response.status };
    } catch (error) {
      if (stopping.aborted) throw new WebhookAbortedError();
      if (timeout.aborted) return { kind: 'unreachable', error: `no answer within ${this.timeoutMs} ms` };
      return { kind: 'unreachable', error: describeNetworkError(error) };
    }
  }
}
