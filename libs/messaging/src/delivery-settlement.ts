import { LoggerService } from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';

/** ack: done with it. requeue: hand it back to the broker for another delivery. */
export type DeliverySettlement = 'ack' | 'requeue';

/**
 * Settles a delivery on the channel it came from, and never throws. A channel that closed since
 * the delivery arrived (broker restart, network cut, consumer timeout) has already handed every
 * unacked delivery back to the broker, so there is nothing left to settle: the delivery will come
 * again, and writes are idempotent per message. Throwing there instead would take the consumer
 * process down on every broker blip. Returns whether the settlement reached the channel.
 */
export function settleDelivery(
  channel: Channel,
  message: ConsumeMessage,
  settlement: DeliverySettlement,
  logger: LoggerService,
): boolean {
  try {
    if (settlement === 'ack') channel.ack(message);
    else channel.nack(message, false, true);
    return true;
  } catch (error) {
    logger.warn({
      msg: 'channel closed before the delivery was settled; the broker redelivers it',
      settlement,
      error: (error as Error).message,
    });
    return false;
  }
}

/** True for amqplib's refusal to use a channel (or connection) that has closed. */
export function isClosedChannelError(error: unknown): boolean {
  return (error as { name?: string })?.name === 'IllegalOperationError';
}
