/** What one POST came to: the receiver's status, or no answer at all (network error, timeout). */
export type WebhookAttempt = { kind: 'answered'; status: number } | { kind: 'unreachable'; error: string };

/** delivered: ack. retry: a copy to the next delay queue. dead-letter: a copy to the webhook DLQ. */
export type WebhookVerdict = { kind: 'delivered' } | { kind: 'retry' | 'dead-letter'; reason: string };

/** Statuses worth another try besides 5xx: the receiver timed out, or asks us to slow down. */
const RETRIED_STATUSES = new Set([408, 429]);

/**
 * The fate of a webhook job after its POST number `attempt` (1-based). 2xx is delivered. Network
 * errors, timeouts, 5xx, 408 and 429 are tried again, up to `maxAttempts` POSTs in all; any other
 * status (a 3xx: redirects are not followed; a 4xx: the receiver refuses it) would only be refused
 * again, and is dead-lettered at once.
 */
export function webhookVerdict(result: WebhookAttempt, attempt: number, maxAttempts: number): WebhookVerdict {
  if (result.kind === 'answered' && result.status >= 200 && result.status < 300) return { kind: 'delivered' };
  const what = result.kind === 'answered' ? `HTTP ${result.status}` : `unreachable: ${result.error}`;
  const retryable = result.kind === 'unreachable' || result.status >= 500 || RETRIED_STATUSES.has(result.status);
  if (!retryable) return { kind: 'dead-letter', reason: `${what} (not retried)` };
  if (attempt >= maxAttempts) return { kind: 'dead-letter', reason: `${what} at attempt ${attempt} of ${maxAttempts}` };
  return { kind: 'retry', reason: what };
}
