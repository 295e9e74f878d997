import { createMetricsRegistry, SECONDS_BUCKETS } from '@app/common';
import { QueueDepthGauges, QueueStatsReader, ReportTopology, WatchedQueue } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import { Counter, Gauge, Histogram } from 'prom-client';
import { URGENT_TAG_SUFFIX } from '../transport/report-rmq.server';

export type Dependency = 'mongodb' | 'redis' | 'llm' | 'rabbitmq';

/** Prefix of every metric the worker defines (the process metrics keep their standard names). */
export const REPORT_METRICS_PREFIX = 'report_worker';

/**
 * The worker's Prometheus metrics (prom-client, a registry per app instance), served on the health
 * side port at GET /metrics. Names follow Prometheus conventions (`_total` counters, base-unit
 * seconds). Dependency time is recorded per call so an operator (and the benchmark) can tell what
 * the store costs from what the worker costs. No label carries an id: every label has a handful
 * of values, so the series stay few whatever the traffic.
 */
@Injectable()
export class ReportMetrics {
  readonly registry = createMetricsRegistry();
  private readonly registers = [this.registry];

  readonly received = new Counter({
    name: 'report_worker_requests_received_total',
    help: 'Generate requests delivered to this process (every delivery, retries included).',
    registers: this.registers,
  });
  readonly succeeded = new Counter({
    name: 'report_worker_requests_succeeded_total',
    help: 'Generate requests answered with success (fresh or reused).',
    registers: this.registers,
  });
  readonly reused = new Counter({
    name: 'report_worker_requests_reused_total',
    help: 'Successes answered with a stored report, by kind (request_id or content_hash).',
    labelNames: ['kind'],
    registers: this.registers,
  });
  readonly failed = new Counter({
    name: 'report_worker_requests_failed_total',
    help: 'Generate requests answered with failed (invalid, permanent error or retries exhausted).',
    registers: this.registers,
  });
  readonly retried = new Counter({
    name: 'report_worker_requests_retried_total',
    help: 'Transient failures sent to a retry queue.',
    registers: this.registers,
  });
  readonly postponed = new Counter({
    name: 'report_worker_requests_postponed_total',
    help: 'Requests held by another live delivery, sent to a retry queue without spending an attempt.',
    registers: this.registers,
  });
  readonly deadLettered = new Counter({
    name: 'report_worker_requests_dead_lettered_total',
    help: 'Requests sent to the dead-letter queue, by reason.',
    labelNames: ['reason'],
    registers: this.registers,
  });
  readonly webhooks = new Counter({
    name: 'report_worker_webhooks_total',
    help: 'Webhook jobs enqueued, and POST attempts by result (delivered, retried, dead_lettered, requeued).',
    labelNames: ['result'],
    registers: this.registers,
  });
  readonly tokens = new Counter({
    name: 'report_worker_llm_tokens_total',
    help: 'Tokens used by the report writer (prompt plus completion, as the LLM reports them), by generator.',
    labelNames: ['generator'],
    registers: this.registers,
  });
  readonly inFlight = new Gauge({
    name: 'report_worker_requests_in_flight',
    help: 'Generate requests being processed now (bounded by the prefetch).',
    registers: this.registers,
  });
  readonly generation = new Histogram({
    name: 'report_worker_request_duration_seconds',
    help: 'Delivery to outcome published (before the ack), by outcome.',
    labelNames: ['outcome'],
    buckets: SECONDS_BUCKETS,
    registers: this.registers,
  });
  readonly llm = new Histogram({
    name: 'report_worker_llm_duration_seconds',
    help: 'Report writer calls (the LLM, or the deterministic writer), by writer and result.',
    labelNames: ['writer', 'result'],
    buckets: SECONDS_BUCKETS,
    registers: this.registers,
  });
  readonly dependency = new Histogram({
    name: 'report_worker_dependency_duration_seconds',
    help: 'Round trips to MongoDB (per command), Redis (per cache operation) and RabbitMQ (per confirmed publish).',
    labelNames: ['dependency', 'operation', 'result'],
    buckets: SECONDS_BUCKETS,
    registers: this.registers,
  });
  readonly delivery = new Histogram({
    name: 'report_worker_delivery_duration_seconds',
    help: 'Every delivery (generate requests and queries) from its arrival to its settlement, by queue and outcome (ack, reply, requeue).',
    labelNames: ['queue', 'outcome'],
    buckets: SECONDS_BUCKETS,
    registers: this.registers,
  });
  readonly cacheHits = new Counter({
    name: 'report_worker_cache_hits_total',
    help: 'Redis cache reads that found a value that opens, by kind of key.',
    labelNames: ['kind'],
    registers: this.registers,
  });
  readonly cacheMisses = new Counter({
    name: 'report_worker_cache_misses_total',
    help: 'Redis cache reads that found nothing usable (absent, unopenable, or Redis slow or away), by kind of key.',
    labelNames: ['kind'],
    registers: this.registers,
  });
  readonly queues = new QueueDepthGauges(this.registry, REPORT_METRICS_PREFIX);
  private consuming: () => boolean = () => false;
  readonly consumer: Gauge = new Gauge({
    name: 'report_worker_consumer_up',
    help: '1 while this process is subscribed to the request queue (readiness names the cause when it is not).',
    registers: this.registers,
    collect: (): void => this.consumer.set(this.consuming() ? 1 : 0),
  });
  private consumed = { requests: 'requests', urgent: 'urgent' };

  /** Wraps one delivery: in-flight gauge and duration by outcome. */
  async track<T>(outcomeOf: (result: T) => string, run: () => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    this.inFlight.inc();
    let outcome = 'error';
    try {
      const result = await run();
      outcome = outcomeOf(result);
      return result;
    } finally {
      this.inFlight.dec();
      this.generation.observe({ outcome }, (performance.now() - startedAt) / 1000);
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
      this.dependency.observe({ dependency, operation, result }, (performance.now() - startedAt) / 1000);
    }
  }

  /** One settled delivery: its queue is the consumer's (request or urgent queue), never a label from the message. */
  observeDelivery(message: ConsumeMessage, outcome: 'ack' | 'reply' | 'requeue', seconds: number): void {
    const urgent = message.fields.consumerTag?.endsWith(URGENT_TAG_SUFFIX);
    this.delivery.observe({ queue: urgent ? this.consumed.urgent : this.consumed.requests, outcome }, seconds);
  }

  /** Where the consumer gauge reads whether the request queue's consumer is subscribed (configureApp hands it). */
  watchConsumer(consuming: () => boolean): void {
    this.consuming = consuming;
  }

  /** Queue gauges of the worker's topology, read through `reader` (configureApp hands the queue admin). */
  watchQueues(topology: ReportTopology, reader: QueueStatsReader): void {
    this.consumed = { requests: topology.requestQueue, urgent: topology.urgentQueue ?? topology.requestQueue };
    this.queues.watch(reportQueuesOf(topology), reader);
  }

  /** The Prometheus text of every metric, read-at-scrape gauges included. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Every queue of the worker's topology, by role: `requests` and `urgent` are consumed here. */
export function reportQueuesOf(topology: ReportTopology): WatchedQueue[] {
  return [
    { queue: topology.requestQueue, role: 'requests' },
    ...(topology.urgentQueue ? [{ queue: topology.urgentQueue, role: 'urgent' }] : []),
    { queue: topology.responseQueue, role: 'responses' },
    ...topology.retryQueues.map(({ name }) => ({ queue: name, role: 'retry' })),
    { queue: topology.deadLetterQueue, role: 'dlq' },
  ];
}
