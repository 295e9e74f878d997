import { connect, Channel, ChannelModel, ConfirmChannel, ConsumeMessage, GetMessage, Options } from 'amqplib';

/**
 * A plain AMQP client for specs: publishes the way the seeds' pika client does (default exchange,
 * routing key = queue name, JSON body) and collects what lands on a queue.
 */
export class ReportAmqpClient {
  private connection?: ChannelModel;
  private url?: string;
  private closed = false;
  /** The reopening in progress, shared by the polls that find the connection gone. */
  private reopening?: Promise<void>;
  channel!: ConfirmChannel;

  async connect(url: string): Promise<this> {
    this.url = url;
    await this.open();
    return this;
  }

  private async open(): Promise<void> {
    const connection = await connect(this.url!);
    connection.on('error', () => undefined); // a spec that cuts the path closes it on purpose
    connection.on('close', () => this.connection === connection && (this.connection = undefined));
    this.connection = connection;
    this.channel = await connection.createConfirmChannel();
  }

  /**
   * The connection, opened again (with a new `channel`) when the broker closed it: a poll can trip
   * a broker-internal error that closes the whole connection, such as 541 "noproc" for a basic.get
   * that races a quorum queue being declared again.
   */
  private async live(): Promise<ChannelModel> {
    if (!this.connection && !this.closed)
      await (this.reopening ??= this.open().finally(() => (this.reopening = undefined)));
    return this.connection!;
  }

  async publish(queue: string, body: unknown, options: Options.Publish = {}): Promise<void> {
    const content = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    this.channel.sendToQueue(queue, content, { persistent: true, contentType: 'application/json', ...options });
    await this.channel.waitForConfirms();
  }

  /** Consumes `queue` into an array the spec can poll with waitFor(). */
  async collect(queue: string): Promise<ConsumeMessage[]> {
    const received: ConsumeMessage[] = [];
    await this.channel.consume(queue, (message) => message && received.push(message), { noAck: true });
    return received;
  }

  /** Takes one message off a queue; undefined when it is empty or does not exist. */
  async takeOne(queue: string): Promise<GetMessage | undefined> {
    return this.onThrowawayChannel(async (channel) => (await channel.get(queue, { noAck: true })) || undefined);
  }

  /** Depth and consumers of a queue; undefined when it does not exist. */
  async queueStats(queue: string): Promise<{ messageCount: number; consumerCount: number } | undefined> {
    return this.onThrowawayChannel((channel) => channel.checkQueue(queue));
  }

  /** A channel of its own, so a 404 for a missing queue closes it and not the client's main one. */
  private async onThrowawayChannel<T>(work: (channel: Channel) => Promise<T>): Promise<T | undefined> {
    const channel = await this.live()
      .then((connection) => connection.createChannel())
      .catch(() => undefined);
    if (!channel) return undefined;
    channel.on('error', () => undefined);
    try {
      return await work(channel);
    } catch {
      return undefined;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  async messageCount(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  async deleteQueues(queues: string[]): Promise<void> {
    for (const queue of queues) await this.channel.deleteQueue(queue).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connection?.close().catch(() => undefined);
  }
}

export function jsonOf<T = any>(message: ConsumeMessage): T {
  return JSON.parse(message.content.toString()) as T;
}
