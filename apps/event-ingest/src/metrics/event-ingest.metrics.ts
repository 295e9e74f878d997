import { createMetricsRegistry, SECONDS_BUCKETS } from '@app/common';
import { EventSinkName, eventTopologyNames, retryQueueName, sinkQueueName } from '@app/contracts';
import { QueueDepthGauges, QueueStatsReader, WatchedQueue } from '@app/messaging';
import { EventDeliveryObserver, EventDeliveryResult } from '@app/processors';
import { Counter, Histogram } from 'prom-client';

/** Prefix of every metric the app defines (the process metrics keep their standard names). */
export const EVENT_METRICS_PREFIX = 'event_ingest';

/** Seconds; an HTTP answer is a few ms, or up to the publish timeout while the broker is slow. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Why POST /events did not accept an event: `unavailable` (503, resend) or `error` (500). */
export type RefusalReason = 'unavailable' | 'error';

/**
 * event-ingest's Prometheus metrics (prom-client, a registry per app instance), served at
 * GET /metrics on every HTTP port the process has: the API's, and a worker's --health-port.
 * Labels carry route templates, queue names and outcomes, never ids, so the series stay few.
 */
export class EventIngestMetrics implements EventDeliveryObserver {
  readonly registry = createMetricsRegistry();
  private readonly registers = [this.registry];

  readonly http = new Histogram({
    name: 'event_ingest_http_request_duration_seconds',
    help: 'HTTP requests from arrival to the answer sent, by method, route template (not the raw URL) and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: HTTP_BUCKETS,
    registers: this.registers,
  });
  readonly accepted = new Counter({
    name: 'event_ingest_events_accepted_total',
    help: 'Events accepted by POST /events and /events/batch (confirmed by the broker, or written to Neo4j without it).',
    registers: this.registers,
  });
  readonly refused = new Counter({
    name: 'event_ingest_events_refused_total',
    help: 'Valid events not accepted, by reason: unavailable (503, the client resends) or error (500). Invalid ones answer 400 (see the HTTP histogram).',
    labelNames: ['reason'],
    registers: this.registers,
  });
  readonly publish = new Histogram({
    name: 'event_ingest_publish_duration_seconds',
    help: 'Publish of one event to the fanout exchange until the broker confirmed it (or refused, or timed out), by result.',
    labelNames: ['result'],
    buckets: SECONDS_BUCKETS,
    registers: this.registers,
  });
  readonly delivery = new Histogram({
    name: 'event_ingest_delivery_duration_seconds',
    help: 'Processor deliveries from arrival to their answer (batched store write included), by sink queue and result.',
    labelNames: ['queue', 'result'],
    buckets: SECONDS_BUCKETS,
    registers: this.registers,
  });
  /** Absent without a broker (USE_RABBITMQ=false and no processors): no queues, and no broker to be down. */
  readonly queues?: QueueDepthGauges;

  /** `broker`: whether this process talks to RabbitMQ; the module builds it from the role. */
  constructor(options: { broker?: boolean } = {}) {
    if (options.broker ?? true) this.queues = new QueueDepthGauges(this.registry, EVENT_METRICS_PREFIX);
  }

  delivered(queue: string, result: EventDeliveryResult, seconds: number): void {
    this.delivery.observe({ queue, result }, seconds);
  }

  watchQueues(queues: WatchedQueue[], reader: QueueStatsReader): void {
    this.queues?.watch(queues, reader);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** The pipeline queues of this deployment's sinks, by role: `sink`, `retry`, `dlq`. */
export function eventQueuesOf(
  prefix: string,
  sinks: readonly EventSinkName[],
  retryDelaysMs: number[],
): WatchedQueue[] {
  const names = eventTopologyNames(prefix);
  return [
    ...sinks.flatMap((sink) => {
      const queue = sinkQueueName(names, sink);
      return [
        { queue, role: 'sink' },
        ...[...new Set(retryDelaysMs)].map((delay) => ({ queue: retryQueueName(queue, delay), role: 'retry' })),
      ];
    }),
    { queue: names.deadLetterQueue, role: 'dlq' },
  ];
}
