import { Logger } from '@nestjs/common';
import { RmqContext, RmqOptions, ServerRMQ } from '@nestjs/microservices';
import { ReportMessageDeserializer } from './report-message.deserializer';

/** Returned by an RPC handler that has passed the request on (retry queue): answer later, not now. */
export const NO_REPLY_YET = Symbol('NO_REPLY_YET');

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

  override async setupChannel(channel: AmqpChannel, callback: () => void): Promise<void> {
    this.consumerChannel = channel;
    // After a reconnect during shutdown, do not start consuming again.
    if (this.closing) return callback();
    // A failure must never be published to a retry or dead-letter queue that does not exist yet
    // (the default exchange drops unroutable messages and still confirms them).
    for (const { name, options } of this.settings.declarations) await channel.assertQueue(name, options);
    return super.setupChannel(channel, callback);
  }

  override async handleMessage(message: Record<string, unknown>, channel: unknown): Promise<void> {
    this.inFlight += 1;
    try {
      await super.handleMessage(message, channel);
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
    }
  }

  override sendMessage<T>(message: T, replyTo: unknown, correlationId: string, context: RmqContext): void {
    const response = (message as { response?: unknown }).response;
    // Handlers decide when an RPC caller gets its answer: a request sent to a retry queue answers later.
    if (response === NO_REPLY_YET || !replyTo) return;
    super.sendMessage(message, replyTo, correlationId, context);
  }

  override async close(): Promise<void> {
    this.closing = true;
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
