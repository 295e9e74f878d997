import type { MessageErrorHandler } from '@golevelup/nestjs-rabbitmq';
import { LoggerService } from '@nestjs/common';
import { isClosedChannelError, settleDelivery } from './delivery-settlement';

/**
 * golevelup's error handler for consumers whose handlers settle their own failures. It sees two
 * things: the ack after a handler failed because the channel had closed (the broker already took
 * the delivery back: nothing to do), and an error that escaped a handler (a bug: requeue it with
 * a log line, since acking would lose the message). It never throws, so a broker blip never
 * becomes an unhandled rejection that ends the process.
 */
export function requeueOnError(logger: LoggerService, context: Record<string, unknown>): MessageErrorHandler {
  return (channel, message, error) => {
    if (isClosedChannelError(error)) {
      logger.warn({ msg: 'channel closed before the delivery was acked; the broker redelivers it', ...context });
      return;
    }
    logger.error({ msg: 'unexpected consumer error; requeueing', ...context, error: String(error) });
    settleDelivery(channel, message, 'requeue', logger);
  };
}
