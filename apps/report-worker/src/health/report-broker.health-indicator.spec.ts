import { RabbitMqHealthIndicator } from '@app/messaging';
import { Logger } from '@nestjs/common';
import { ServerRMQ } from '@nestjs/microservices';
import { HealthIndicatorService } from '@nestjs/terminus';
import { EventEmitter } from 'node:events';
import { ReportRmqServer } from '../transport/report-rmq.server';
import { ReportBrokerHealthIndicator } from './report-broker.health-indicator';

/** An amqplib channel as far as the consumer's setup uses it; basic.consume-ok is held until `answer()`. */
class FakeChannel extends EventEmitter {
  private answerNext!: () => void;
  private readonly answered = new Promise<void>((resolve) => (this.answerNext = resolve));
  readonly consume = jest.fn(() => this.answered.then(() => ({ consumerTag: 'worker-1' })));
  readonly assertQueue = jest.fn((queue: string) => Promise.resolve({ queue }));
  readonly prefetch = jest.fn(() => Promise.resolve());
  // Answered after basic.consume, as a channel answers its methods in order.
  readonly checkQueue = jest.fn(() => this.answered.then(() => ({ consumerCount: 1 })));
  readonly cancel = jest.fn(() => Promise.resolve());

  answer(): void {
    this.answerNext();
  }
}

describe('ReportBrokerHealthIndicator', () => {
  let publisher: { status: 'up' | 'down'; message?: string };
  let consumer: ReportRmqServer;
  let indicator: ReportBrokerHealthIndicator;
  // What amqp-connection-manager does with each new channel.
  const setUp = (channel: FakeChannel) => consumer.setupChannel(channel as never, jest.fn());
  const subscribed = (channel: FakeChannel) => {
    channel.answer();
    return setUp(channel);
  };

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation();
    publisher = { status: 'up' };
    const publishing = {
      check: jest.fn(async (key: string) => ({ [key]: publisher })),
    } as unknown as RabbitMqHealthIndicator;
    indicator = new ReportBrokerHealthIndicator(publishing, new HealthIndicatorService());
    consumer = new ReportRmqServer({
      urls: ['amqp://127.0.0.1:1'],
      queue: 'requests',
      queueOptions: { durable: true },
      prefetchCount: 4,
      consumerTag: 'worker-1',
      declarations: [],
      drainTimeoutMs: 100,
      maxMessageBytes: 1024 * 1024,
    });
    indicator.watch(consumer);
  });

  afterEach(() => jest.restoreAllMocks());

  it('is down naming the consumer from start until the broker answers', async () => {
    jest.spyOn(ServerRMQ.prototype, 'listen').mockResolvedValue(undefined);
    await consumer.listen(jest.fn());
    expect(await indicator.check()).toEqual({
      rabbitmq: { status: 'down', message: 'consumer not consuming: waiting for the broker' },
    });
  });

  it('is up only once the broker has answered basic.consume, not when the channel opens', async () => {
    const channel = new FakeChannel();
    const settingUp = setUp(channel);
    await new Promise((resolve) => setImmediate(resolve));
    expect(channel.consume).toHaveBeenCalledWith(
      'requests',
      expect.any(Function),
      expect.objectContaining({ consumerTag: 'worker-1' }),
    );
    expect(await indicator.check()).toEqual({
      rabbitmq: { status: 'down', message: 'consumer not consuming: subscribing' },
    });
    channel.answer();
    await settingUp;
    expect(await indicator.check()).toEqual({ rabbitmq: { status: 'up' } });
  });

  it('follows the consumer through a lost channel and the next one', async () => {
    const first = new FakeChannel();
    await subscribed(first);
    first.emit('close');
    expect((await indicator.check()).rabbitmq.message).toBe('consumer not consuming: waiting for the broker');

    await subscribed(new FakeChannel());
    // A late close of the old channel says nothing about the new one.
    first.emit('close');
    expect(await indicator.check()).toEqual({ rabbitmq: { status: 'up' } });
  });

  it('subscribes again when the broker cancels the consumer, and is down while shutting down', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation();
    const channel = new FakeChannel();
    await subscribed(channel);
    await consumer.handleMessage(null as never, channel);
    expect(channel.consume).toHaveBeenCalledTimes(2);
    expect(await indicator.check()).toEqual({ rabbitmq: { status: 'up' } });
    await consumer.close();
    expect((await indicator.check()).rabbitmq.message).toBe('consumer not consuming: shutting down');
  });

  it('names the publishing connection too when it is down', async () => {
    const channel = new FakeChannel();
    await subscribed(channel);
    publisher = { status: 'down', message: 'not connected to the broker' };
    expect(await indicator.check()).toEqual({
      rabbitmq: { status: 'down', message: 'publisher not connected to the broker' },
    });
  });

  it('does not require a consumer this process never started', async () => {
    expect(await indicator.check()).toEqual({ rabbitmq: { status: 'up', consumer: 'not started' } });
  });
});
