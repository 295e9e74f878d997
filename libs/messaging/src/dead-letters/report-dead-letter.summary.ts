import { REPORT_HEADERS } from '@app/contracts';
import { DeadLetter, REPLAYED_AT_HEADER } from '../queue-admin.service';

/** What `list` shows of one dead letter: its ids and why and when it failed. */
export interface DeadLetterSummary {
  request_id?: string;
  user_id?: string;
  /** Set for a Nest client's packet (`report.generate`, ...); a seed-format request has none. */
  pattern?: string;
  message_id?: string;
  reason?: string;
  attempt?: number;
  failed_at?: string;
  worker?: string;
  replayed_at?: string;
}

/** Longer ids are cut: an id is for finding the request. Reasons are at most 1000 characters as the worker writes them. */
const MAX_ID = 200;
const MAX_REASON = 1000;

function shown(value: unknown, max = MAX_ID): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string' || value === '') return undefined;
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

interface DeathRecord {
  reason?: string;
  queue?: string;
  time?: number | { value?: number };
}

/**
 * A request the broker dead-lettered itself (a quorum queue's delivery limit: it never settled)
 * carries the broker's x-death record instead of the worker's headers.
 */
export function brokerDeath(headers: Record<string, unknown>): { reason?: string; failed_at?: string } {
  const death = (Array.isArray(headers['x-death']) ? headers['x-death'][0] : undefined) as DeathRecord | undefined;
  if (!death || typeof death.reason !== 'string') return {};
  const seconds = typeof death.time === 'number' ? death.time : death.time?.value;
  return {
    reason: `dead-lettered by the broker: ${death.reason}${typeof death.queue === 'string' ? ` in ${death.queue}` : ''}`,
    failed_at: typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : undefined,
  };
}

/**
 * The body of a report request is health data (patient, labs, conditions, plan): only its two ids
 * are read from it, from the bare seed-format request or from a Nest packet's `data`. Everything
 * else comes from the headers the worker set when it dead-lettered the request.
 */
export function summarizeDeadLetter(letter: DeadLetter): DeadLetterSummary {
  const body = record(letter.body);
  const packetPattern = typeof body?.pattern === 'string' ? body.pattern : undefined;
  const request = packetPattern !== undefined ? record(body?.data) : body;
  const headers = letter.headers;
  const attempt = Number(headers[REPORT_HEADERS.attempt]);
  const byBroker = headers[REPORT_HEADERS.deadLetterReason] === undefined ? brokerDeath(headers) : {};
  const summary: DeadLetterSummary = {
    request_id: shown(request?.request_id),
    user_id: shown(request?.user_id),
    pattern: shown(packetPattern),
    message_id: shown(letter.message_id),
    reason: shown(headers[REPORT_HEADERS.deadLetterReason], MAX_REASON) ?? byBroker.reason,
    attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : undefined,
    failed_at: shown(headers[REPORT_HEADERS.failedAt]) ?? byBroker.failed_at,
    worker: shown(headers[REPORT_HEADERS.worker]),
    replayed_at: shown(headers[REPLAYED_AT_HEADER]),
  };
  return Object.fromEntries(Object.entries(summary).filter(([, value]) => value !== undefined)) as DeadLetterSummary;
}
