import type { ConsumeMessage } from 'amqplib';

/** The properties of a delivery a pipeline reads or carries over to a copy (retry, dead letter). */
export interface DeliveryProperties {
  headers?: Record<string, unknown>;
  contentType?: string;
  contentEncoding?: string;
  correlationId?: string;
  replyTo?: string;
  messageId?: string;
  priority?: number;
  timestamp?: number;
  type?: string;
  appId?: string;
  /** AMQP user_id: RabbitMQ refuses it unless it names the publishing connection's login. */
  userId?: string;
}

/** One delivery as pipeline code sees it, filled in by the transport; it never touches the channel. */
export interface Delivery {
  content: Buffer;
  properties: DeliveryProperties;
  /** The broker's flag: handed out before to a consumer that did not settle it. */
  redelivered: boolean;
  /** The key it was published with: on the default exchange, the queue it was sent to. */
  routingKey: string;
}

/**
 * What becomes of a delivery, decided by the pipeline and carried out on the channel by its
 * transport only. `ack`: done with it: stored, or passed on to a retry or dead-letter queue whose
 * copy the broker has confirmed. `reply`: acked, and an RPC caller gets `body`. `requeue`: handed
 * back to the broker for another delivery, as when an outcome could not be published; `held` says
 * it was a held delivery given back at shutdown, which is expected.
 */
export type DeliveryOutcome<Body = never> =
  { kind: 'ack' } | { kind: 'reply'; body: Body } | { kind: 'requeue'; reason: string; held?: boolean };

export const ACK: DeliveryOutcome = { kind: 'ack' };

/** The pipeline's view of a broker message. */
export function deliveryOf(message: ConsumeMessage): Delivery {
  return {
    content: message.content,
    properties: message.properties,
    redelivered: message.fields.redelivered,
    routingKey: message.fields.routingKey,
  };
}
