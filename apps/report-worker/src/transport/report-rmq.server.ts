import {
  OversizedMessage,
  PoisonMessage,
  REPORT_GENERATE_EVENT_ROUTE,
  REPORT_PRIORITY,
  REPORT_PROGRESS_TYPE,
  ReportProgress,
  UnparsedMessage,
} from '@app/contracts';
import { AckSettleGrace, settleDelivery } from '@app/messaging';
import { Logger } from '@nestjs/common';
import { RmqContext, RmqOptions, ServerRMQ } from '@nestjs/microservices';
import type { Channel, ConsumeMessage, Options } from 'amqplib';
import type { AmqpConnectionManagerOptions } from 'amqp-connection-manager';
import { settledOf } from './later-settlements';
import { ReportMessageDeserializer } from './report-message.deserializer';

/** The urgent queue's consumer tag is the request queue's with this suffix (the latter ends with the pid). */
export const URGENT_TAG_SUFFIX = '.urgent';

/** Returned by an RPC handler that has passed the request on (retry queue): answer later, not now. */
export const NO_REPLY_YET = Symbol('NO_REPLY_YET');

/** Where the consumer stands, for readiness: deliveries arrive only while it is 'consuming'. */
export type ConsumerStatus =
  'not started' | 'waiting for the broker' | 'subscribing' | 'consuming' | 'cancelled by the broker' | 'shutting down';

export interface ReportRmqServerOptions {
  urls: string[];
  /** amqplib's socket options for every URL (the RABBITMQ_TLS_* CA, client certificate and key). */
  connectionOptions?: AmqpConnectionManagerOptions['connectionOptions'];
  queue: string;
  queueOptions: Options.AssertQueue;
  /** Consumed beside the request queue, and first, with slots of its own (a quarter of the prefetch). */
  urgentQueue?: string;
  prefetchCount: number;
  consumerTag: string;
  /** Response, retry and dead-letter queues, declared before consuming starts (and after each reconnect). */
  declarations: Array<{ name: string; options?: object }>;
  /** How long close() waits for in-flight messages before closing the channel anyway. */
  drainTimeoutMs: number;
  /** Larger messages are refused unparsed (REPORT_MAX_MESSAGE_BYTES). */
  maxMessageBytes: number;
  /** Quorum queues: the broker's delivery limit; the delivery at it is refused unparsed (PoisonMessage). */
  deliveryLimit?: number;
}

interface AmqpChannel {
  cancel(consumerTag: string): Promise<unknown>;
  assertQueue(name: string, options?: object): Promise<unknown>;
  checkQueue(name: string): Promise<unknown>;
  prefetch(count: number): Promise<unknown>;
  consume(
    queue: string,
    onMessage: (message: ConsumeMessage | null) => void,
    options: Options.Consume,
  ): Promise<unknown>;
  once(event: 'close', listener: () => void): unknown;
}

/** Moves an urgent request that arrived on the request queue to the urgent queue (confirmed). */
export type UrgentForwarder = (message: ConsumeMessage) => Promise<void>;

/** Why an answer may not go to this reply_to, or undefined when it may (see ReplyToPolicy). */
export type ReplyToGuard = (replyTo: string) => Promise<string | undefined>;

function isProgress(response: unknown): response is ReportProgress {
  return (response as ReportProgress | undefined)?.status === 'in_progress';
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
  private forwardUrgent?: UrgentForwarder;
  private guardReplyTo?: ReplyToGuard;
  private readonly repliesBeingChecked = new Set<Promise<void>>();
  /** The last reply on its way to each caller (reply_to and correlation id), so that a request's replies go out in order. */
  private readonly lastReplyTo = new Map<string, Promise<void>>();
  private readonly ackGrace = new AckSettleGrace();

  constructor(private readonly settings: ReportRmqServerOptions) {
    super({
      urls: settings.urls,
      queue: settings.queue,
      noAck: false,
      prefetchCount: settings.prefetchCount,
      consumerTag: settings.consumerTag,
      queueOptions: settings.queueOptions,
      deserializer: new ReportMessageDeserializer(),
      socketOptions: {
        heartbeatIntervalInSeconds: 5,
        reconnectTimeInSeconds: 1,
        connectionOptions: settings.connectionOptions,
      },
    } as Required<RmqOptions>['options']);
  }

  get messagesInFlight(): number {
    return this.inFlight;
  }

  get consumerStatus(): ConsumerStatus {
    return this.consumerState;
  }

  private get urgentTag(): string {
    return `${this.settings.consumerTag}${URGENT_TAG_SUFFIX}`;
  }

  /**
   * Requests published with an urgent priority to the request queue (as to a priority queue) are
   * moved to the urgent queue before any work, when there is one: configureApp hands the publisher.
   */
  forwardUrgentWith(forward: UrgentForwarder): void {
    this.forwardUrgent = forward;
  }

  /** Every RPC answer is checked against the guard before it is published; configureApp hands the policy. */
  guardRepliesWith(guard: ReplyToGuard): void {
    this.guardReplyTo = guard;
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
    await this.declare(channel);
    if (this.settings.urgentQueue) await this.consumeUrgent(channel);
    if (await this.consumeRequests(channel)) callback();
  }

  /**
   * A failure must never be published to a retry or dead-letter queue that does not exist yet (the
   * default exchange drops unroutable messages and still confirms them).
   */
  private async declare(channel: AmqpChannel): Promise<void> {
    for (const { name, options } of this.settings.declarations) await channel.assertQueue(name, options);
  }

  /** The request queue's consumer (Nest's setup); true once the broker has registered it. */
  private async consumeRequests(channel: AmqpChannel): Promise<boolean> {
    await super.setupChannel(channel, () => undefined);
    // Nest does not wait for basic.consume-ok. A channel answers its methods in order and a refused
    // consume closes it, so this answer means the consumer is registered. No answer: the channel
    // closed, and the setup on the next one subscribes again.
    const registered = await channel.checkQueue(this.settings.queue).then(
      () => true,
      () => false,
    );
    if (!registered || this.consumerChannel !== channel || this.closing) return false;
    this.consumerState = 'consuming';
    return true;
  }

  /** Prefetch is per consumer: the urgent queue's slots are its own, whatever the backlog of the other. */
  private async consumeUrgent(channel: AmqpChannel): Promise<void> {
    const queue = this.settings.urgentQueue!;
    await channel.prefetch(Math.max(1, Math.ceil(this.settings.prefetchCount / 4)));
    await channel.consume(
      queue,
      (message) => void (message ? this.handleMessage(message as never, channel) : this.resubscribeUrgent(channel)),
      {
        noAck: false,
        consumerTag: this.urgentTag,
      },
    );
  }

  override async handleMessage(message: Record<string, unknown> | null, channel: unknown): Promise<void> {
    if (!message) return this.resubscribe(channel as AmqpChannel);
    this.inFlight += 1;
    try {
      const delivery = message as unknown as ConsumeMessage;
      const unparsed =
        OversizedMessage.check(delivery.content, this.settings.maxMessageBytes) ??
        PoisonMessage.check(delivery.properties.headers, this.settings.deliveryLimit);
      if (unparsed) await this.refuseUnparsed(delivery, channel, unparsed);
      else if (this.isUrgentOnRequestQueue(delivery)) await this.forward(delivery, channel as Channel);
      else {
        await super.handleMessage(message, channel);
        await settledOf(message);
      }
    } finally {
      this.ackGrace.settled(); // handlers settle their delivery before they resolve
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
    this.drainLogger.warn({
      message: 'consumer cancelled by the broker; subscribing again',
      queue: this.settings.queue,
    });
    await this.declare(channel)
      .then(() => this.consumeRequests(channel))
      .catch((error: Error) =>
        this.drainLogger.warn({
          message: 'could not subscribe again; waiting for the reconnect',
          error: error.message,
        }),
      );
  }

  private async resubscribeUrgent(channel: AmqpChannel): Promise<void> {
    if (this.closing || channel !== this.consumerChannel) return;
    this.drainLogger.warn({
      message: 'consumer cancelled by the broker; subscribing again',
      queue: this.settings.urgentQueue,
    });
    await this.declare(channel)
      .then(() => this.consumeUrgent(channel))
      .catch((error: Error) =>
        this.drainLogger.warn({
          message: 'could not subscribe again; waiting for the reconnect',
          error: error.message,
        }),
      );
  }

  /**
   * Nest's handleMessage decodes and JSON-parses every body first. One over the size limit, or at
   * the delivery limit, goes to the generate handler with a stand-in instead, never decoded; validation refuses the stand-in, so
   * the message is dead-lettered once with the reason and answered failed, as invalid JSON is.
   */
  private refuseUnparsed(message: ConsumeMessage, channel: unknown, body: UnparsedMessage): Promise<unknown> {
    const context = new RmqContext([message, channel, REPORT_GENERATE_EVENT_ROUTE]);
    return this.handleEvent(REPORT_GENERATE_EVENT_ROUTE, { pattern: REPORT_GENERATE_EVENT_ROUTE, data: body }, context);
  }

  private isUrgentOnRequestQueue(message: ConsumeMessage): boolean {
    if (!this.settings.urgentQueue || !this.forwardUrgent || message.fields.consumerTag !== this.settings.consumerTag)
      return false;
    return (message.properties.priority ?? 0) >= REPORT_PRIORITY.urgent;
  }

  /** Acked once the urgent queue has confirmed its copy; requeued if it could not be moved. */
  private async forward(message: ConsumeMessage, channel: Channel): Promise<void> {
    try {
      await this.forwardUrgent!(message);
      settleDelivery(channel, message, 'ack', this.drainLogger);
    } catch (error) {
      this.drainLogger.warn({
        message: 'could not move an urgent request to the urgent queue; requeued',
        error: (error as Error).message,
      });
      settleDelivery(channel, message, 'requeue', this.drainLogger);
    }
  }

  /**
   * Nest publishes an RPC answer here, and each progress value before it (AMQP type
   * `report.progress`). Handlers decide when a caller gets its answer (a request sent to a retry
   * queue answers later), and the guard where: a reply whose reply_to it refuses is withheld and
   * logged (the answer, not each progress value). A request's replies go out in the order
   * Nest hands them over. close() waits for replies still being checked.
   */
  override sendMessage<T>(message: T, replyTo: unknown, correlationId: string, context: RmqContext): void {
    const response = (message as { response?: unknown }).response;
    if (response === NO_REPLY_YET || !replyTo) return;
    const progress = isProgress(response);
    const packet = progress ? { ...message, isDisposed: false, options: { type: REPORT_PROGRESS_TYPE } } : message;
    const guard = this.guardReplyTo;
    if (!guard) return super.sendMessage(packet, replyTo, correlationId, context);
    const queue = String(replyTo);
    const caller = `${queue}\n${correlationId}`;
    const previous = this.lastReplyTo.get(caller) ?? Promise.resolve();
    const sent = previous
      .then(() => guard(queue))
      .then((refusal) => {
        if (refusal === undefined) return super.sendMessage(packet, replyTo, correlationId, context);
        if (progress) return;
        this.drainLogger.warn({
          message: 'answer withheld: reply_to refused',
          reply_to: queue.slice(0, 200),
          reason: refusal,
        });
      })
      .catch((error: Error) =>
        this.drainLogger.warn({
          message: 'answer not sent: reply_to could not be checked',
          reply_to: queue.slice(0, 200),
          error: error.message,
        }),
      )
      .finally(() => {
        this.repliesBeingChecked.delete(sent);
        if (this.lastReplyTo.get(caller) === sent) this.lastReplyTo.delete(caller);
      });
    this.lastReplyTo.set(caller, sent);
    this.repliesBeingChecked.add(sent);
  }

  override async close(): Promise<void> {
    this.closing = true;
    this.consumerState = 'shutting down';
    await this.consumerChannel?.cancel(this.settings.consumerTag).catch(() => undefined);
    if (this.settings.urgentQueue) await this.consumerChannel?.cancel(this.urgentTag).catch(() => undefined);
    this.drainLogger.log({ message: 'consumer cancelled, draining', in_flight: this.inFlight });
    const drained = await this.waitForIdle(this.settings.drainTimeoutMs);
    if (!drained)
      this.drainLogger.warn(`closing with ${this.inFlight} message(s) unsettled; the broker will redeliver them`);
    await this.ackGrace.wait();
    // RPC replies are published on the next tick after a handler resolves, some after their reply_to was checked.
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([...this.repliesBeingChecked]);
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
