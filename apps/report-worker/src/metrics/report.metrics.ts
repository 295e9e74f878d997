import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, MetricsRegistry } from './metrics.registry';

/** Seconds; from a cached answer (ms) to a slow LLM call (tens of seconds). */
const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export type Dependency = 'mongodb' | 'redis' | 'llm' | 'rabbitmq';

/**
 * The worker's Prometheus metrics, served on the health side port at GET /metrics. Names follow
 * Prometheus conventions (`_total` counters, base-unit seconds). Dependency time is recorded per
 * call so an operator (and the benchmark) can tell what the store costs from what the worker costs.
 */
@Injectable()
export class ReportMetrics {
  readonly registry = new MetricsRegistry();
  private inFlight = 0;

  readonly received = this.registry.register(
    new Counter(
      'report_worker_requests_received_total',
      'Generate requests delivered to this process (every delivery, retries included).',
    ),
  );
  readonly succeeded = this.registry.register(
    new Counter('report_worker_requests_succeeded_total', 'Generate requests answered with success (fresh or reused).'),
  );
  readonly reused = this.registry.register(
    new Counter(
      'report_worker_requests_reused_total',
      'Successes answered with a stored report, by kind (request_id or content_hash).',
    ),
  );
  readonly failed = this.registry.register(
    new Counter(
      'report_worker_requests_failed_total',
      'Generate requests answered with failed (invalid, permanent error or retries exhausted).',
    ),
  );
  readonly retried = this.registry.register(
    new Counter('report_worker_requests_retried_total', 'Transient failures sent to a retry queue.'),
  );
  readonly postponed = this.registry.register(
    new Counter(
      'report_worker_requests_postponed_total',
      'Requests held by another live delivery, sent to a retry queue without spending an attempt.',
    ),
  );
  readonly deadLettered = this.registry.register(
    new Counter('report_worker_requests_dead_lettered_total', 'Requests sent to the dead-letter queue, by reason.'),
  );
  readonly webhooks = this.registry.register(
    new Counter(
      'report_worker_webhooks_total',
      'Webhook jobs enqueued, and POST attempts by result (delivered, retried, dead_lettered, requeued).',
    ),
  );
  readonly tokens = this.registry.register(
    new Counter(
      'report_worker_llm_tokens_total',
      'Tokens used by the report writer (prompt plus completion, as the LLM reports them), by generator.',
    ),
  );
  readonly generation = this.registry.register(
    new Histogram(
      'report_worker_request_duration_seconds',
      'Delivery to outcome published (before the ack), by outcome.',
      SECONDS_BUCKETS,
    ),
  );
  readonly llm = this.registry.register(
    new Histogram(
      'report_worker_llm_duration_seconds',
      'Report writer calls (the LLM, or the deterministic writer), by generator and result.',
      SECONDS_BUCKETS,
    ),
  );
  readonly dependency = this.registry.register(
    new Histogram(
      'report_worker_dependency_duration_seconds',
      'Round trips to MongoDB (per command), Redis (per cache operation) and RabbitMQ (per confirmed publish).',
      SECONDS_BUCKETS,
    ),
  );

  constructor() {
    this.registry.register(
      new Gauge(
        'report_worker_requests_in_flight',
        'Generate requests being processed now (bounded by the prefetch).',
        () => this.inFlight,
      ),
    );
  }

  /** Wraps one delivery: in-flight gauge and duration by outcome. */
  async track<T>(outcomeOf: (result: T) => string, run: () => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    this.inFlight += 1;
    let outcome = 'error';
    try {
      const result = await run();
      outcome = outcomeOf(result);
      return result;
    } finally {
      this.inFlight -= 1;
      this.generation.observe((performance.now() - startedAt) / 1000, { outcome });
    }
  }

  /** Times one call to a dependency; failures are timed too (an outage shows up as slow errors). */
  async time<T>(dependency: Dependency, operation: string, run: () => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    let result = 'ok';
    try {
      return await run();
    } catch (error) {
      result = 'error';
      throw error;
    } finally {
      this.dependency.observe((performance.now() - startedAt) / 1000, { dependency, operation, result });
    }
  }

  render(): string {
    return this.registry.render();
  }
}
