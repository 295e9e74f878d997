import 'reflect-metadata';
import type { Channel, ConsumeMessage } from 'amqplib';
import { requeueOnError } from './requeue-on-error.handler';

const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
const message = { fields: { deliveryTag: 1 } } as unknown as ConsumeMessage;
const closedChannelError = Object.assign(new Error('Channel closed'), { name: 'IllegalOperationError' });

function channel(nack: () => void = () => undefined): Channel {
  return { nack: jest.fn(nack), ack: jest.fn() } as unknown as Channel;
}

describe('requeueOnError', () => {
  const handler = requeueOnError(logger, { sink: 'neo4j' });

  it('leaves a delivery whose ack met a closed channel to the broker, without touching the channel', async () => {
    const closed = channel();
    await expect(Promise.resolve(handler(closed, message, closedChannelError))).resolves.toBeUndefined();
    expect(closed.nack).not.toHaveBeenCalled();
  });

  it('requeues a delivery whose handler threw', async () => {
    const open = channel();
    await handler(open, message, new Error('bug'));
    expect(open.nack).toHaveBeenCalledWith(message, false, true);
  });

  it('never throws, even when the requeue itself meets a closed channel', async () => {
    const closing = channel(() => {
      throw closedChannelError;
    });
    await expect(Promise.resolve(handler(closing, message, new Error('bug')))).resolves.toBeUndefined();
  });
});
