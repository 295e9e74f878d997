import { REPORT_HEADERS, WEBHOOK_JOB_HEADERS } from '@app/contracts';
import { DeadLetter, REPLAYED_AT_HEADER } from '@app/messaging';
import { originOf } from '../webhooks/webhook-url.policy';
import { brokerDeath } from '@app/messaging';

/** What `list --queue webhooks` shows of one webhook dead letter. */
export interface WebhookDeadLetterSummary {
  delivery_id?: string;
  request_id?: string;
  user_id?: string;
  /** The response's status (`success` or `failed`). */
  status?: string;
  /** The callback URL's origin: its path and query may carry the receiver's tokens. */
  target?: string;
  reason?: string;
  attempt?: number;
  last_status?: number;
  failed_at?: string;
  worker?: string;
  replayed_at?: string;
}

const MAX_ID = 200;

function shown(value: unknown, max = MAX_ID): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

function positive(value: unknown): number | undefined {
  const number = Number(value);
  return Number.isInteger(number) && number > 0 ? number : undefined;
}

/**
 * The ids and failure of a webhook job in the DLQ. The body is the response (ids and status,
 * no health data); only those fields are read from it, the rest comes from the job's headers.
 */
export function summarizeWebhookDeadLetter(letter: DeadLetter): WebhookDeadLetterSummary {
  const body = letter.body && typeof letter.body === 'object' ? (letter.body as Record<string, unknown>) : {};
  const headers = letter.headers;
  const url = shown(headers[WEBHOOK_JOB_HEADERS.url], 4096);
  // A job past the job queue's delivery limit (it crashed every worker) carries only the broker's x-death.
  const byBroker = headers[REPORT_HEADERS.deadLetterReason] === undefined ? brokerDeath(headers) : {};
  const summary: WebhookDeadLetterSummary = {
    delivery_id: shown(headers[WEBHOOK_JOB_HEADERS.deliveryId]),
    request_id: shown(body.request_id),
    user_id: shown(body.user_id),
    status: shown(body.status),
    target: url && originOf(url),
    reason: shown(headers[REPORT_HEADERS.deadLetterReason], 1000) ?? byBroker.reason,
    attempt: positive(headers[REPORT_HEADERS.attempt]),
    last_status: positive(headers[WEBHOOK_JOB_HEADERS.lastStatus]),
    failed_at: shown(headers[REPORT_HEADERS.failedAt]) ?? byBroker.failed_at,
    worker: shown(headers[REPORT_HEADERS.worker]),
    replayed_at: shown(headers[REPLAYED_AT_HEADER]),
  };
  return Object.fromEntries(
    Object.entries(summary).filter(([, value]) => value !== undefined),
  ) as WebhookDeadLetterSummary;
}
