import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';

/**
 * Cancels this process's consumers of `queue` (the broker stops sending, deliveries in hand stay
 * ours to ack). First step of a drain: golevelup itself only cancels everything at close time.
 */
export async function stopConsuming(amqp: AmqpConnection, queue: string): Promise<void> {
  // getConsumer is private in the typings but the only way to map a tag to its queue.
  const lookup = amqp as unknown as { getConsumer(tag: string): { msgOptions: { queue?: string } } | undefined };
  const tags = amqp.consumerTags.filter((tag) => lookup.getConsumer(tag)?.msgOptions.queue === queue);
  await Promise.all(tags.map((tag) => amqp.cancelConsumer(tag).catch(() => undefined)));
}
