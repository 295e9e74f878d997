import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { LoggerService } from '@nestjs/common';
import type { Channel } from 'amqplib';

interface RegisteredConsumer {
  msgOptions: { queue?: string };
}

/**
 * Subscribes again when the broker cancels this process's consumer of `queue` (the queue was
 * deleted, or its replica moved): golevelup drops the cancellation silently, and the worker would
 * idle until its next reconnect. golevelup's resume declares the queue as the handler declares it
 * (bound to its exchange) and consumes with a fresh tag. A stopping consumer is left cancelled.
 * `channelName`: the golevelup channel the consumer has to itself, when not the default one.
 */
export function resubscribeWhenCancelled(
  amqp: AmqpConnection,
  queue: string,
  isStopping: () => boolean,
  logger: LoggerService,
  channelName?: string,
): void {
  const lookup = amqp as unknown as { getConsumer(tag: string): RegisteredConsumer | undefined };
  const managed = (channelName ? amqp.managedChannels[channelName] : undefined) ?? amqp.managedChannel;
  void managed.addSetup((channel: Channel) => {
    channel.on('cancel', ({ consumerTag }: { consumerTag: string }) => {
      if (isStopping() || lookup.getConsumer(consumerTag)?.msgOptions.queue !== queue) return;
      logger.warn({ msg: 'consumer cancelled by the broker; subscribing again', queue });
      amqp
        .resumeConsumer(consumerTag)
        .catch((error: Error) =>
          logger.warn({ msg: 'could not subscribe again; waiting for the reconnect', queue, error: error.message }),
        );
    });
  });
}
