import { LlmCallError } from './writers/llm-call.error';

/** Statuses worth another try later: rate limits, timeouts, conflicts and server errors. */
const RETRYABLE_STATUS = new Set([408, 409, 425, 429]);

/** The driver's names for "MongoDB cannot be reached, or cannot confirm a write now". */
const MONGO_OUTAGE_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  // The pool cleared by a network error names itself without the Mongo prefix.
  'PoolClearedOnNetworkError',
  'MongoWriteConcernError',
]);

const TRANSIENT_NAMES = new Set([...MONGO_OUTAGE_NAMES, 'JobBusyError', 'UnusableLlmOutputError']);

/** Server codes of a replica set without a writable primary for now (stepdown, shutdown, election). */
const MONGO_NO_PRIMARY_CODES = new Set([91, 189, 10107, 11600, 11602, 13435, 13436]);

/** LLM statuses that name our configuration (key, organisation, model, base URL), not the request. */
const LLM_CONFIGURATION_CAUSES = new Map([
  [401, 'LLM refuses our credentials (401)'],
  [403, 'LLM denies access (403)'],
  [404, 'LLM model or endpoint not found (404)'],
]);

const MONGO_OUTAGE_CAUSE = 'MongoDB unreachable';

/**
 * What a failure says about the next try:
 * - `outage`: MongoDB cannot be reached; every request fails the same way until it is back.
 * - `misconfigured`: the LLM refuses the worker's settings (401, 403, 404); every request fails
 *   until someone fixes them.
 * - `transient`: this request may succeed later (LLM 429/5xx/timeouts, unusable output, unknown).
 * - `permanent`: retrying this request cannot help (LLM 400/422, errors marked permanent).
 * The first two are held without spending attempts; the others go through the broker's retries.
 */
export type FailureKind = 'outage' | 'misconfigured' | 'transient' | 'permanent';

export function classifyFailure(error: unknown): FailureKind {
  if (isMongoOutage(error)) return 'outage';
  if (error instanceof LlmCallError && error.status !== undefined && LLM_CONFIGURATION_CAUSES.has(error.status))
    return 'misconfigured';
  return isTransient(error) ? 'transient' : 'permanent';
}

/** Why every request would fail now (for logs and readiness), or undefined when the failure is this request's own. */
export function holdCauseOf(error: unknown): string | undefined {
  switch (classifyFailure(error)) {
    case 'outage':
      return MONGO_OUTAGE_CAUSE;
    case 'misconfigured':
      return LLM_CONFIGURATION_CAUSES.get((error as LlmCallError).status!);
    case 'transient':
    case 'permanent':
      return undefined;
  }
}

/**
 * The driver wraps every failure of a bulk command (the group-committed writes) in
 * MongoBulkWriteError: the network error it replaces travels in `errorResponse`, a write concern
 * that could not be satisfied in its result. Other wrappers keep theirs in `cause`.
 */
function isMongoOutage(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 3) return false;
  const {
    name = '',
    code,
    errorResponse,
    cause,
    result,
  } = error as {
    name?: string;
    code?: unknown;
    errorResponse?: unknown;
    cause?: unknown;
    result?: { getWriteConcernError?: () => unknown };
  };
  if (MONGO_OUTAGE_NAMES.has(name)) return true;
  if (!name.startsWith('Mongo')) return isMongoOutage(cause, depth + 1);
  if (typeof code === 'number' && MONGO_NO_PRIMARY_CODES.has(code)) return true;
  if (name === 'MongoBulkWriteError' && result?.getWriteConcernError?.() !== undefined) return true;
  return (errorResponse !== error && isMongoOutage(errorResponse, depth + 1)) || isMongoOutage(cause, depth + 1);
}

/**
 * True when trying again later may succeed (LLM 429/5xx/timeouts/connection, Mongo unreachable).
 * False for errors a retry cannot fix (the LLM refusing the request as malformed, auth errors).
 * Unknown errors count as transient: they get MAX_RETRIES tries, then the DLQ, never a loop.
 * Outages and LLM configuration errors (classifyFailure) are held in hand before it comes to this.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof LlmCallError)
    return error.status === undefined || error.status >= 500 || RETRYABLE_STATUS.has(error.status);
  const name = (error as { name?: string })?.name ?? '';
  if (TRANSIENT_NAMES.has(name)) return true;
  return !(error as { permanent?: boolean })?.permanent;
}

/** A short reason for responses, job rows and DLQ headers; never includes request content. */
export function describeFailure(error: unknown): string {
  if (error instanceof LlmCallError)
    return `LLM error${error.status ? ` ${error.status}` : ''}: ${error.message.slice(0, 200)}`;
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
