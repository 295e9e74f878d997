import { createHmac } from 'node:crypto';

/** HTTP headers of a webhook POST (Node lower-cases them on the receiving side). */
export const WEBHOOK_HTTP_HEADERS = {
  /** `sha256=<hex HMAC-SHA256 of the raw body under WEBHOOK_SECRET>`. */
  signature: 'X-Report-Signature',
  /** One id per webhook job, the same on every attempt: receivers dedupe by it. */
  delivery: 'X-Report-Delivery',
} as const;

/**
 * AMQP headers of a webhook job (`<requests>.webhooks`). The body is the response JSON, byte for
 * byte what is POSTed; the attempt and failure headers are REPORT_HEADERS'.
 */
export const WEBHOOK_JOB_HEADERS = {
  url: 'x-webhook-url',
  deliveryId: 'x-webhook-delivery',
  /** The HTTP status of the last attempt, when the receiver answered. */
  lastStatus: 'x-webhook-last-status',
} as const;

/** The value of X-Report-Signature for `body` (the exact bytes sent) under `secret`. */
export function webhookSignature(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * The queues of the webhook pipeline, named after the request queue: `<requests>.webhooks` (jobs),
 * `<requests>.webhooks.retry.<delay>ms` (delays, see retryQueueName) and `<requests>.webhooks_dlq`.
 */
export function webhookQueueNames(requestQueue: string): { queue: string; deadLetterQueue: string } {
  return { queue: `${requestQueue}.webhooks`, deadLetterQueue: `${requestQueue}.webhooks_dlq` };
}
