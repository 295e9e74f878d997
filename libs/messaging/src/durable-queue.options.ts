import type { Options } from 'amqplib';

/**
 * `quorum`: replicated across the broker cluster's nodes, with a delivery limit and at-least-once
 * dead-lettering. `classic`: a single node's queue, for a broker that is one node and stays so.
 */
export type QueueType = 'quorum' | 'classic';

export interface QueueKind {
  type: QueueType;
  /** Deliveries of one message before the broker dead-letters it (quorum): the poison-message backstop. */
  deliveryLimit: number;
}

export interface DurableQueueShape {
  /** The queue's own arguments: TTL, length, dead-letter target, single active consumer. */
  arguments?: Record<string, unknown>;
  /** A consumer reads it (the delivery limit applies), as opposed to a delay queue or a DLQ. */
  consumed?: boolean;
}

/**
 * Options of every durable queue of both pipelines, so the queue type and the loss guarantees
 * are decided in one place:
 * - a queue with a length limit refuses publishes when full (`reject-publish`): the publisher's
 *   confirm fails and the API answers 503, where `drop-head` silently evicted the oldest message;
 * - on quorum queues, dead-lettering (TTL expiry, delivery limit) is at-least-once: the broker
 *   keeps the message until the dead-letter queue has confirmed it, where classic queues drop it
 *   if that fails; and a consumed queue dead-letters a message delivered `deliveryLimit` times.
 */
export function durableQueueOptions(kind: QueueKind, shape: DurableQueueShape = {}): Options.AssertQueue {
  const own = shape.arguments ?? {};
  const deadLetters = own['x-dead-letter-exchange'] !== undefined;
  const limited = own['x-max-length'] !== undefined;
  const quorum = kind.type === 'quorum';
  return {
    durable: true,
    arguments: {
      ...(quorum ? { 'x-queue-type': 'quorum' } : {}),
      ...own,
      ...(limited || (quorum && deadLetters) ? { 'x-overflow': 'reject-publish' } : {}),
      ...(quorum && deadLetters ? { 'x-dead-letter-strategy': 'at-least-once' } : {}),
      ...(quorum && shape.consumed ? { 'x-delivery-limit': kind.deliveryLimit } : {}),
    },
  };
}

/** The queue kind from the validated settings (RABBITMQ_QUEUE_TYPE, RABBITMQ_DELIVERY_LIMIT). */
export function queueKindFrom(config: { getOrThrow<T>(key: string): T }): QueueKind {
  return {
    type: config.getOrThrow<QueueType>('RABBITMQ_QUEUE_TYPE'),
    deliveryLimit: config.getOrThrow<number>('RABBITMQ_DELIVERY_LIMIT'),
  };
}
