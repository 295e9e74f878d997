import { EventSinkName, EventTopologyNames, retryQueueName, sinkQueueName } from '@app/contracts';
import { QueueOptions, RabbitMQExchangeConfig, RabbitMQQueueConfig } from '@golevelup/nestjs-rabbitmq';
import { durableQueueOptions, QueueKind } from './durable-queue.options';

export interface EventTopologySettings {
  names: EventTopologyNames;
  messageTtlMs: number;
  maxLength: number;
  retryDelaysMs: number[];
  /** The sinks the deployment runs (EVENT_SINKS): only their queues are declared and bound. */
  sinks: readonly EventSinkName[];
  queueKind: QueueKind;
}

export interface EventTopology {
  exchanges: RabbitMQExchangeConfig[];
  queues: RabbitMQQueueConfig[];
}

/**
 * Sinks whose write is a read-modify-write of shared state (a Qdrant user profile is read, changed
 * and written back): two consumers updating one user at once would lose an update. Their queue
 * has a single active consumer; more worker processes are hot standbys the broker switches to.
 */
const SINGLE_CONSUMER_SINKS: ReadonlySet<EventSinkName> = new Set(['qdrant']);

/**
 * Options of a sink queue. Consumers assert the queue with exactly these, so they must stay in
 * one place: RabbitMQ refuses a redeclaration with different arguments (PRECONDITION_FAILED).
 * Expired messages, and poison messages past the delivery limit, are dead-lettered into the DLQ;
 * a full queue refuses new events (the API answers 503) instead of evicting old ones.
 */
export function sinkQueueOptions(settings: EventTopologySettings, sink: EventSinkName): QueueOptions {
  return durableQueueOptions(settings.queueKind, {
    consumed: true,
    arguments: {
      'x-message-ttl': settings.messageTtlMs,
      'x-max-length': settings.maxLength,
      'x-dead-letter-exchange': settings.names.deadLetterExchange,
      ...(SINGLE_CONSUMER_SINKS.has(sink) ? { 'x-single-active-consumer': true } : {}),
    },
  }) as QueueOptions;
}

/**
 * A delay queue has no consumer: its messages wait for the queue's TTL, then the broker
 * dead-letters them through the default exchange straight back to their own sink queue.
 */
export function retryQueueOptions(sinkQueue: string, delayMs: number, kind: QueueKind): QueueOptions {
  return durableQueueOptions(kind, {
    arguments: { 'x-message-ttl': delayMs, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': sinkQueue },
  }) as QueueOptions;
}

/** The DLQ: kept until an operator replays or discards its letters. */
export function deadLetterQueueOptions(kind: QueueKind): QueueOptions {
  return durableQueueOptions(kind) as QueueOptions;
}

/**
 * The event topology of the chosen sinks, declared by every process of the pipeline (API and
 * workers) on each (re)connect, so the API never publishes into a fanout with no queues bound yet.
 * A sink left out has no queue here: nothing fills up for a processor the deployment does not run.
 */
export function buildEventTopology(settings: EventTopologySettings): EventTopology {
  const { names, sinks } = settings;
  const delays = [...new Set(settings.retryDelaysMs)];
  const sinkQueues: RabbitMQQueueConfig[] = sinks.map((sink) => ({
    name: sinkQueueName(names, sink),
    options: sinkQueueOptions(settings, sink),
    exchange: names.exchange,
    routingKey: '',
  }));
  const retryQueues: RabbitMQQueueConfig[] = sinks.flatMap((sink) =>
    delays.map((delay) => {
      const sinkQueue = sinkQueueName(names, sink);
      return {
        name: retryQueueName(sinkQueue, delay),
        options: retryQueueOptions(sinkQueue, delay, settings.queueKind),
      };
    }),
  );
  return {
    exchanges: [
      { name: names.exchange, type: 'fanout', options: { durable: true } },
      { name: names.deadLetterExchange, type: 'fanout', options: { durable: true } },
    ],
    queues: [
      ...sinkQueues,
      ...retryQueues,
      {
        name: names.deadLetterQueue,
        options: deadLetterQueueOptions(settings.queueKind),
        exchange: names.deadLetterExchange,
        routingKey: '',
      },
    ],
  };
}
