import { retryQueueName } from '@app/contracts';

export type FailureRoute =
  { kind: 'retry'; queue: string; delayMs: number; attempts: number } | { kind: 'dead-letter'; attempts: number };

/**
 * Where a failed delivery goes next. `previousAttempts` counts the failures before this one (the
 * x-attempts header). Invalid messages skip the retries: retrying cannot make them valid.
 */
export function routeFailure(
  sinkQueue: string,
  delaysMs: number[],
  previousAttempts: number,
  permanent: boolean,
): FailureRoute {
  const attempts = previousAttempts + 1;
  if (permanent || attempts > delaysMs.length) return { kind: 'dead-letter', attempts };
  const delayMs = delaysMs[attempts - 1];
  return { kind: 'retry', queue: retryQueueName(sinkQueue, delayMs), delayMs, attempts };
}

/** Reads x-attempts defensively: a header a client made up must not crash the consumer. */
export function attemptsFromHeader(value: unknown): number {
  const attempts = typeof value === 'number' ? value : Number(value);
  return Number.isInteger(attempts) && attempts > 0 ? attempts : 0;
}
