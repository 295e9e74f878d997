export interface OutageHoldOptions {
  /** True for errors a later attempt can cure by itself ("the store is unreachable"). */
  isTransient: (error: unknown) => boolean;
  /** Stop holding after this long and let the caller's normal failure path take over. */
  maxHoldMs: number;
  /**
   * When the hold began: the arrival of the oldest delivery the work answers for (default: now).
   * A delivery must be settled within the broker's consumer timeout counted from its arrival, not
   * from when its batch happened to start.
   */
  since?: number;
  /** Aborted on shutdown: the wait ends at once and the last error is thrown. */
  signal: AbortSignal;
  onRetry?: (error: unknown, attempt: number) => void;
  now?: () => number;
}

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;

/**
 * Runs `work` until it succeeds, retrying while a dependency is unreachable (with backoff up to 5 s).
 * The deliveries the work belongs to (an event batch, a report request) stay unacknowledged
 * meanwhile, and prefetch stops the broker sending more: during an outage messages wait in their
 * queue instead of using up their retry budget and landing in the DLQ.
 */
export async function holdThroughOutage<T>(work: () => Promise<T>, options: OutageHoldOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const started = options.since ?? now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const holding = options.isTransient(error) && now() - started < options.maxHoldMs && !options.signal.aborted;
      if (!holding) throw error;
      options.onRetry?.(error, attempt);
      await abortableDelay(Math.min(FIRST_BACKOFF_MS * 2 ** (attempt - 1), MAX_BACKOFF_MS), options.signal);
    }
  }
}

/** Resolves after `ms`, or at once on abort; a signal aborted already never fires 'abort' again. */
function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
