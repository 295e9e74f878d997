import 'reflect-metadata';
import { EventEmitter } from 'node:events';
import { UnroutableMessageError } from './confirmed.publisher';
import { originOf, QueueAdminService, replayedCopyOptions } from './queue-admin.service';

describe('originOf', () => {
  it("prefers the pipeline's x-original-queue header", () => {
    expect(
      originOf({
        properties: { headers: { 'x-original-queue': 'events.qdrant', 'x-death': [{ queue: 'events.neo4j' }] } },
      } as never),
    ).toBe('events.qdrant');
  });

  it("falls back to the broker's x-death record (TTL and overflow casualties)", () => {
    expect(
      originOf({ properties: { headers: { 'x-death': [{ queue: 'events.neo4j', reason: 'expired' }] } } } as never),
    ).toBe('events.neo4j');
  });

  it('knows no origin for a message published to the DLQ by hand', () => {
    expect(originOf({ properties: { headers: {} } } as never)).toBeUndefined();
  });
});

describe('replayedCopyOptions', () => {
  const now = new Date('2025-01-02T03:04:05.000Z');
  const properties = {
    contentType: 'application/json',
    correlationId: 'c-1',
    replyTo: 'amq.rabbitmq.reply-to.abc',
    messageId: 'm-1',
    priority: 10,
    timestamp: 1735787045,
    type: 'report.generate',
    headers: {
      'x-report-attempt': 4,
      'x-dead-letter-reason': 'LLM error 500',
      'x-death': [{ queue: 'requests.retry.100ms', reason: 'expired' }],
      'x-first-death-reason': 'expired',
      'x-delivery-count': 3,
      'x-tenant': 'kept',
    },
  };

  it('keeps what the caller relies on (correlationId, replyTo, priority), drops the failure record, stamps the replay', () => {
    const options = replayedCopyOptions({ properties } as never, ['x-report-attempt', 'x-dead-letter-reason'], now);
    expect(options).toMatchObject({
      correlationId: 'c-1',
      replyTo: 'amq.rabbitmq.reply-to.abc',
      messageId: 'm-1',
      priority: 10,
      type: 'report.generate',
      persistent: true,
    });
    expect(options.headers).toEqual({ 'x-tenant': 'kept', 'x-replayed-at': '2025-01-02T03:04:05.000Z' });
  });

  it('leaves the original message untouched', () => {
    replayedCopyOptions({ properties } as never, ['x-report-attempt'], now);
    expect(properties.headers['x-report-attempt']).toBe(4);
  });
});

describe('QueueAdminService.replayToQueue', () => {
  /** A confirm channel in memory: `unroutable` copies come back as returns before their confirm. */
  function fakeBroker(deadLetters: string[], unroutable = 0) {
    const channel = Object.assign(new EventEmitter(), {
      sent: [] as Array<{ queue: string; content: string; options: Record<string, any> }>,
      acked: [] as string[],
      confirmed: false,
      checkQueue: jest.fn(async () => ({ messageCount: 0, consumerCount: 0 })),
      get: jest.fn(async () => {
        const content = deadLetters.shift();
        return content === undefined
          ? false
          : {
              content: Buffer.from(content),
              // basic.get-ok: how many messages are left behind this one
              fields: { messageCount: deadLetters.length },
              properties: { messageId: `id-${content}`, headers: { 'x-report-attempt': 2 } },
            };
      }),
      sendToQueue(queue: string, content: Buffer, options: Record<string, any>) {
        channel.sent.push({ queue, content: content.toString(), options });
        if (channel.sent.length <= unroutable) channel.emit('return', { content });
        return true;
      },
      async waitForConfirms() {
        channel.confirmed = true;
      },
      ack(message: { content: Buffer }) {
        if (!channel.confirmed) throw new Error('acked before the confirm');
        channel.acked.push(message.content.toString());
      },
      close: jest.fn(async () => undefined),
    });
    const amqp = {
      managedConnection: { isConnected: () => true },
      connection: { createConfirmChannel: async () => channel },
    };
    return { admin: new QueueAdminService(amqp as never), channel };
  }

  it('moves up to the limit to the target, mandatory, and acks the originals after the confirm', async () => {
    const { admin, channel } = fakeBroker(['a', 'b', 'c']);
    expect(await admin.replayToQueue('dlq', 2, { target: 'requests', resetHeaders: ['x-report-attempt'] })).toEqual({
      replayed: 2,
    });
    expect(channel.checkQueue).toHaveBeenCalledWith('requests');
    expect(channel.sent.map(({ queue, content }) => [queue, content])).toEqual([
      ['requests', 'a'],
      ['requests', 'b'],
    ]);
    expect(channel.sent[0].options).toMatchObject({
      mandatory: true,
      persistent: true,
      headers: { 'x-replayed-at': expect.any(String) },
    });
    expect(channel.sent[0].options.headers['x-report-attempt']).toBeUndefined();
    expect(channel.acked).toEqual(['a', 'b']);
    expect(channel.close).toHaveBeenCalled();
  });

  it('acks nothing when a copy comes back unroutable: the dead letters stay', async () => {
    const { admin, channel } = fakeBroker(['a', 'b'], 1);
    await expect(admin.replayToQueue('dlq', 10, { target: 'requests', resetHeaders: [] })).rejects.toThrow(
      UnroutableMessageError,
    );
    expect(channel.acked).toEqual([]);
    expect(channel.close).toHaveBeenCalled();
  });

  it('moves only the letter named by its message id, leaving the others unacked for the close to put back', async () => {
    const { admin, channel } = fakeBroker(['a', 'b', 'c']);
    expect(await admin.replayToQueue('dlq', 100, { target: 'requests', resetHeaders: [], only: 'id-b' })).toEqual({
      replayed: 1,
    });
    expect(channel.sent.map(({ content }) => content)).toEqual(['b']);
    expect(channel.acked).toEqual(['b']);
    expect(channel.get).toHaveBeenCalledTimes(2);
  });

  it('moves nothing when no letter within the limit has that message id', async () => {
    const { admin, channel } = fakeBroker(['a', 'b', 'c']);
    expect(await admin.replayToQueue('dlq', 2, { target: 'requests', resetHeaders: [], only: 'id-c' })).toEqual({
      replayed: 0,
    });
    expect(channel.sent).toEqual([]);
  });

  it('discards only the letter named by its message id', async () => {
    const { admin, channel } = fakeBroker(['a', 'b', 'c']);
    channel.confirmed = true;
    expect(await admin.discard('dlq', 'id-b', 100)).toEqual({ queue: 'dlq', discarded: 1 });
    expect(channel.acked).toEqual(['b']);
    expect(await admin.discard('dlq', 'id-x', 100)).toEqual({ queue: 'dlq', discarded: 0 });
    expect(channel.acked).toEqual(['b']);
  });
});
