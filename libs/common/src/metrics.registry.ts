import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A Prometheus registry of its own for one app instance (never prom-client's global one: tests
 * boot several apps in one process), with the process metrics: CPU, resident memory, open file
 * descriptors, heap, event-loop lag (`nodejs_eventloop_lag_seconds`, from the runtime's own delay
 * histogram) and GC pauses (`nodejs_gc_duration_seconds`). All are read at scrape time.
 */
export function createMetricsRegistry(): Registry {
  const register = new Registry();
  collectDefaultMetrics({ register });
  return register;
}

/** Seconds; from a cached answer (ms) to a slow LLM call (tens of seconds). */
export const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
