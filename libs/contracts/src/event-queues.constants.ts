/**
 * Names of the event pipeline's exchanges and queues. Every name derives from one
 * prefix, so a test (or a second environment on the same broker) can run an isolated copy of the
 * whole topology with EVENTS_TOPOLOGY_PREFIX; production uses the prefix `events`.
 */
export interface EventTopologyNames {
  /** Fanout exchange POST /events publishes to. */
  exchange: string;
  neo4jQueue: string;
  qdrantQueue: string;
  deadLetterQueue: string;
  /** Fanout exchange the sink queues dead-letter into (TTL expiry, overflow). */
  deadLetterExchange: string;
}

export const EVENT_SINKS = ['neo4j', 'qdrant'] as const;
export type EventSinkName = (typeof EVENT_SINKS)[number];

export function eventTopologyNames(prefix = 'events'): EventTopologyNames {
  return {
    exchange: prefix,
    neo4jQueue: `${prefix}.neo4j`,
    qdrantQueue: `${prefix}.qdrant`,
    deadLetterQueue: `${prefix}.dlq`,
    deadLetterExchange: `${prefix}.dlx`,
  };
}

/** The sink queue of one processor. */
export function sinkQueueName(names: EventTopologyNames, sink: EventSinkName): string {
  return sink === 'neo4j' ? names.neo4jQueue : names.qdrantQueue;
}

/**
 * The delay queue of one sink for one retry delay, e.g. `events.neo4j.retry.5000ms`. Per sink, so
 * a retried message goes back to its own sink only (through the fanout, the other sink would get a
 * duplicate).
 */
export function retryQueueName(sinkQueue: string, delayMs: number): string {
  return `${sinkQueue}.retry.${delayMs}ms`;
}

/** Headers the pipeline sets on retried and dead-lettered messages. */
export const EVENT_HEADERS = {
  attempts: 'x-attempts',
  reason: 'x-reason',
  originalQueue: 'x-original-queue',
  failedAt: 'x-failed-at',
  replayedAt: 'x-replayed-at',
} as const;
