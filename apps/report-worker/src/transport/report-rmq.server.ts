import { Logger } from '@nestjs/common';
import { RmqContext, RmqOptions, ServerRMQ } from '@nestjs/microservices';
import { ReportMessageDeserializer } from './report-message.deserializer';

/** Returned by an RPC handler that has passed the request on (retry queue): answer later, not now. */
export const NO_REPLY_YET = Symbol('NO_REPLY_YET');

/** Where the consumer stands, for readiness: deliveries arrive only while it is 'consuming'. */
export type ConsumerStatus =
  | 'not started'
  | 'waiting for the broker'
  | 'subscribing'
  | 'consuming'
  | 'cancelled by the broker'
  | 'shutting down';

export interface ReportRmqServerOptions {
  urls: string[];
  queue: string;
  queueArguments: Record<string, unknown>;
  prefetchCount: number;
  consumerTag: string;
  /** Response, retry and dead-letter queues, declared before consuming starts (and after each reconnect). */
  declarations: Array<{ name: string; options?: object }>;
  /** How long close() waits for in-flight messages before closing the channel anyway. */
  drainTimeoutMs: number;
}

interface AmqpChannel {
  cancel(consumerTag: string): Promise<unknown>;
  assertQueue(name: string, options?: object): Promise<unknown>;
  checkQueue(name: string): Promise<unknown>;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Nest's RabbitMQ server with the behaviour a worker needs: manual acks (handlers settle each
 * message themselves), the seed-format deserializer, and a close() that drains: it cancels the
 * consumer (no new deliveries), waits for in-flight handlers, then closes the channel. Messages
 * still unacked at the deadline are redelivered by the broker to another worker.
 */
export class ReportRmqServer extends ServerRMQ {
  private readonly drainLogger = new Logger('ReportRmqServer');
  private consumerChannel?: AmqpChannel;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private closing = false;
  private consumerState: ConsumerStatus = 'not started';

  constructor(private readonly settings: ReportRmqServerOptions) {
    super({
      urls: settings.urls,
      queue: settings.queue,
      noAck: false,
      prefetchCount: settings.prefetchCount,
      consumerTag: settings.consumerTag,
      queueOptions: { durable: true, arguments: settings.queueArguments },
      deserializer: new ReportMessageDeserializer(),
      socketOptions: { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1 },
    } as Required<RmqOptions>['options']);
  }

  get messagesInFlight(): number {
    return this.inFlight;
  }

  get consumerStatus(): ConsumerStatus {
    return this.consumerState;
  }

  override listen(callback: (error?: unknown, ...optionalParams: unknown[]) => void): Promise<void> {
    this.consumerState = 'waiting for the broker';
    return super.listen(callback);
  }

  override async setupChannel(channel: AmqpChannel, callback: () => void): Promise<void> {
    this.consumerChannel = channel;
    // After a reconnect during shutdown, do not start consuming again.
    if (this.closing) return callback();
    this.consumerState = 'subscribing';
    // The consumer lives and dies with its channel; amqp-connection-manager runs this setup again
    // on the next one once the broker is back.
    channel.once('close', () => {
      if (this.consumerChannel === channel && !this.closing) this.consumerState = 'waiting for the broker';
    });
    // A failure must never be published to a retry or dead-letter queue that does not exist yet
    // (the default exchange drops unroutable messages and still confirms them).
    for (const { name, options } of this.settings.declarations) await channel.assertQueue(name, options);
    await super.setupChannel(channel, () => undefined);
    // Nest does not wait for basic.consume-ok. A channel answers its methods in order and a refused
    // consume closes it, so this answer means the consumer is registered. No answer: the channel
    // closed, and the setup on the next one subscribes again.
    const registered = await channel.checkQueue(this.settings.queue).then(() => true, () => false);
    if (!registered || this.consumerChannel !== channel || this.closing) return;
    this.consumerState = 'consuming';
    callback();
  }

  override async handleMessage(message: Record<string, unknown> | null, channel: unknown): Promise<void> {
    if (!message) return this.resubscribe(channel as AmqpChannel);
    this.inFlight += 1;
    try {
      await super.handleMessage(message, channel);
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
    }
  }

  /**
   * No message: the broker cancelled the consumer (its queue was deleted, or a replica took over).
   * Declare the queues again and subscribe on the same channel, so the worker goes on consuming
   * instead of idling until its next reconnect; a channel that has closed meanwhile is left to
   * that reconnect.
   */
  private async resubscribe(channel: AmqpChannel): Promise<void> {
    this.consumerState = 'cancelled by the broker';
    if (this.closing || channel !== this.consumerChannel) return;
    this.drainLogger.warn({ message: 'consumer cancelled by the broker; subscribing again', queue: this.settings.queue });
    await this.setupChannel(channel, () => undefined).catch((error: Error) =>
      this.drainLogger.warn({ message: 'could not subscribe again; waiting for the reconnect', error: error.message }),
    );
  }

  override sendMessage<T>(message: T, replyTo: unknown, correlationId: string, context: RmqContext): void {
    const response = (message as { response?: unknown }).response;
    // Handlers decide when an RPC caller gets its answer: a request sent to a retry queue answers later.
    if (response === NO_REPLY_YET || !replyTo) return;
    super.sendMessage(message, replyTo, correlationId, context);
  }

  override async close(): Promise<void> {
    this.closing = true;
    this.consumerState = 'shutting down';
    await this.consumerChannel?.cancel(this.settings.consumerTag).catch(() => undefined);
    this.drainLogger.log({ message: 'consumer cancelled, draining', in_flight: this.inFlight });
    const drained = await this.waitForIdle(this.settings.drainTimeoutMs);
    if (!drained) this.drainLogger.warn(`closing with ${this.inFlight} message(s) unsettled; the broker will redeliver them`);
    // RPC replies are published on the next tick after a handler resolves.
    await new Promise((resolve) => setImmediate(resolve));
    await super.close();
  }

  private waitForIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
