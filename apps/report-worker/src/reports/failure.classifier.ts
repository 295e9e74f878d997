import { LlmCallError } from './writers/llm-call.error';

/** Statuses worth another try later: rate limits, timeouts, conflicts and server errors. */
const RETRYABLE_STATUS = new Set([408, 409, 425, 429]);

const TRANSIENT_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoWriteConcernError',
  'JobBusyError',
  'UnusableLlmOutputError',
]);

/**
 * True when trying again later may succeed (LLM 429/5xx/timeouts/connection, Mongo unreachable).
 * False for errors a retry cannot fix (the LLM refusing the request as malformed, auth errors).
 * Unknown errors count as transient: they get MAX_RETRIES tries, then the DLQ, never a loop.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof LlmCallError) return error.status === undefined || error.status >= 500 || RETRYABLE_STATUS.has(error.status);
  const name = (error as { name?: string })?.name ?? '';
  if (TRANSIENT_NAMES.has(name)) return true;
  return !(error as { permanent?: boolean })?.permanent;
}

/** A short reason for responses, job rows and DLQ headers; never includes request content. */
export function describeFailure(error: unknown): string {
  if (error instanceof LlmCallError) return `LLM error${error.status ? ` ${error.status}` : ''}: ${error.message.slice(0, 200)}`;
  const { name = 'Error', message = String(error) } = (error ?? {}) as { name?: string; message?: string };
  return `${name}: ${message.slice(0, 200)}`;
}

/** Another delivery of the same request holds the job; try again after a delay. */
export class JobBusyError extends Error {
  constructor(requestId: string) {
    super(`request ${requestId} is being processed by another delivery`);
    this.name = 'JobBusyError';
  }
}
