import { EVENT_SINKS, eventTopologyNames, retryQueueName, sinkQueueName } from '@app/contracts';
import { connect, ChannelModel, ConfirmChannel, Options } from 'amqplib';
import { serviceUrls } from './service-urls';

/**
 * A spec's own AMQP connection to the shared broker, to look at and clean up the queues of the
 * topology it created under a unique EVENTS_TOPOLOGY_PREFIX. Never touches other names.
 */
export class EventBrokerFixture {
  private connection?: ChannelModel;
  private channel?: ConfirmChannel;

  constructor(private readonly url = serviceUrls.rabbitmq) {}

  async open(): Promise<this> {
    this.connection = await connect(this.url);
    this.channel = await this.connection.createConfirmChannel();
    return this;
  }

  /** Ready messages in a queue (0 when it does not exist yet). */
  async depth(queue: string): Promise<number> {
    return this.withChannel(async (channel) => (await channel.checkQueue(queue)).messageCount).catch(() => 0);
  }

  /** Whether a queue exists on the broker (checked on a throwaway channel, so a 404 costs nothing). */
  async exists(queue: string): Promise<boolean> {
    return this.withChannel((channel) => channel.checkQueue(queue)).then(
      () => true,
      () => false,
    );
  }

  /** Declares a durable fanout exchange and a queue bound to it, as an earlier deployment left them. */
  async declareBoundQueue(exchange: string, queue: string, options: Options.AssertQueue): Promise<void> {
    await this.withChannel(async (channel) => {
      await channel.assertExchange(exchange, 'fanout', { durable: true });
      await channel.assertQueue(queue, options);
      await channel.bindQueue(queue, exchange, '');
    });
  }

  /** Declares a queue another app owns (the report worker's, in a spec that does not run it). */
  async declareQueue(queue: string, options: Options.AssertQueue = { durable: true }): Promise<void> {
    await this.withChannel((channel) => channel.assertQueue(queue, options));
  }

  async deleteQueues(...queues: string[]): Promise<void> {
    for (const queue of queues) await this.withChannel((channel) => channel.deleteQueue(queue)).catch(() => undefined);
  }

  async consumers(queue: string): Promise<number> {
    return this.withChannel(async (channel) => (await channel.checkQueue(queue)).consumerCount).catch(() => 0);
  }

  /** Publishes raw bytes (e.g. a poison message) and waits for the confirm. */
  async publish(
    exchange: string,
    routingKey: string,
    body: Buffer | string,
    options: Options.Publish = {},
  ): Promise<void> {
    const channel = this.channel!;
    channel.publish(exchange, routingKey, Buffer.isBuffer(body) ? body : Buffer.from(body), {
      persistent: true,
      ...options,
    });
    await channel.waitForConfirms();
  }

  /** Publishes many bodies straight to a queue or exchange, waiting for confirms every 1,000. */
  async publishMany(exchange: string, routingKey: string, bodies: string[]): Promise<void> {
    const channel = this.channel!;
    for (let i = 0; i < bodies.length; i++) {
      channel.publish(exchange, routingKey, Buffer.from(bodies[i]), {
        persistent: true,
        contentType: 'application/json',
      });
      if (i % 1000 === 999) await channel.waitForConfirms();
    }
    await channel.waitForConfirms();
  }

  async purge(queue: string): Promise<void> {
    await this.withChannel((channel) => channel.purgeQueue(queue)).catch(() => undefined);
  }

  /**
   * Takes every ready message off a queue (acked), for assertions on what was published. Through a
   * consumer, not basic.get: a quorum queue with a single active consumer refuses basic.get.
   */
  async drain(queue: string): Promise<Array<{ body: string; headers: Record<string, unknown> }>> {
    return this.withChannel(async (channel) => {
      const { messageCount } = await channel.checkQueue(queue);
      const messages: Array<{ body: string; headers: Record<string, unknown> }> = [];
      if (messageCount === 0) return messages;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`drained ${messages.length} of ${messageCount} messages of ${queue}`)),
          10_000,
        );
        void channel.consume(
          queue,
          (message) => {
            if (message) messages.push({ body: message.content.toString(), headers: message.properties.headers ?? {} });
            if (messages.length < messageCount) return;
            clearTimeout(timer);
            resolve();
          },
          { noAck: true },
        );
      });
      return messages;
    });
  }

  /** Deletes the exchanges and queues a spec's topology prefix created. */
  async deleteTopology(prefix: string, retryDelaysMs: number[]): Promise<void> {
    const names = eventTopologyNames(prefix);
    const sinkQueues = EVENT_SINKS.map((sink) => sinkQueueName(names, sink));
    const retries = sinkQueues.flatMap((queue) => retryDelaysMs.map((delay) => retryQueueName(queue, delay)));
    for (const queue of [...sinkQueues, names.deadLetterQueue, ...retries])
      await this.withChannel((channel) => channel.deleteQueue(queue)).catch(() => undefined);
    for (const exchange of [names.exchange, names.deadLetterExchange])
      await this.withChannel((channel) => channel.deleteExchange(exchange)).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.connection?.close().catch(() => undefined);
  }

  /** A throwaway channel: a 404 from the broker closes it, not the fixture's main one. */
  private async withChannel<T>(work: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
    const channel = await this.connection!.createConfirmChannel();
    channel.on('error', () => undefined);
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }
}
