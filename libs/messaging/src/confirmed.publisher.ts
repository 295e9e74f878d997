import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Channel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { boundedPublishOptions } from './amqp-properties';
import { BrokerUnavailableError } from './broker-unavailable.error';

export interface ConfirmedPublishOptions extends Options.Publish {
  /** Give up (and reject) when the broker has not confirmed within this many milliseconds. */
  timeoutMs: number;
  /**
   * For a publish to a queue through the default exchange: the queue's declaration. When the
   * queue has gone (deleted by an operator, lost with a node), it is declared again with these
   * options and the message published once more, instead of failing every later publish.
   */
  redeclare?: Options.AssertQueue;
  /**
   * While the broker blocks publishers (a memory or disk alarm), wait up to this long for it to
   * unblock before failing. 0 (the default) fails at once: an HTTP caller answers 503 quickly; a
   * consumer that holds the delivery meanwhile waits instead of spending it.
   */
  waitWhileBlockedMs?: number;
}

/** The broker routed the message to no queue and returned it: nothing holds it. */
export class UnroutableMessageError extends BrokerUnavailableError {
  constructor(exchange: string, routingKey: string, reply: string) {
    super(`no queue took the message (exchange "${exchange || '(default)'}", routing key "${routingKey}"): ${reply}`);
    this.name = 'UnroutableMessageError';
  }
}

/** Our own header: matches a returned message to its publish (returns come before the confirm). */
const PUBLISH_ID_HEADER = 'x-publish-id';

/**
 * Publishes on golevelup's confirm channel and resolves only once the broker has confirmed the
 * message into at least one queue (for a persistent message to a durable queue: written to disk).
 * Every publish is `mandatory`: a message no queue takes comes back as a return before its confirm
 * and fails the publish, where a plain confirm would have reported it stored. It never waits for a
 * reconnect, nor while the broker blocks publishers (memory or disk alarm): it fails at once, and a
 * missing confirm fails after timeoutMs, so callers answer 503 or hand the delivery back quickly.
 */
@Injectable()
export class ConfirmedPublisher implements OnModuleInit {
  private readonly logger = new Logger(ConfirmedPublisher.name);
  private readonly returned = new Map<string, string>();
  private blockedReason?: string;
  private unblockWaiters: Array<() => void> = [];

  constructor(private readonly amqp: AmqpConnection) {}

  onModuleInit(): void {
    const connection = this.amqp.managedConnection;
    connection.on('blocked', ({ reason }: { reason?: string }) => this.onBlocked(reason ?? 'resource alarm'));
    connection.on('unblocked', () => this.onBlocked(undefined));
    connection.on('disconnect', () => this.onBlocked(undefined));
    void this.amqp.managedChannel.addSetup((channel: Channel) => {
      channel.on('return', (message: ConsumeMessage) => this.onReturn(message));
    });
  }

  isConnected(): boolean {
    return this.amqp.managedConnection?.isConnected() ?? false;
  }

  /** Why the broker refuses publishes right now (a memory or disk alarm), if it does. */
  get blocked(): string | undefined {
    return this.blockedReason;
  }

  async publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: ConfirmedPublishOptions,
  ): Promise<void> {
    try {
      await this.publishOnce(exchange, routingKey, content, options);
    } catch (error) {
      if (!(error instanceof UnroutableMessageError) || !options.redeclare || exchange !== '') throw error;
      this.logger.warn({ msg: 'queue missing; declaring it again', queue: routingKey });
      await this.amqp.channel.assertQueue(routingKey, options.redeclare);
      await this.publishOnce(exchange, routingKey, content, options);
    }
  }

  private async publishOnce(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: ConfirmedPublishOptions,
  ): Promise<void> {
    if (!this.isConnected()) throw new BrokerUnavailableError('not connected to the broker');
    if (this.blockedReason && !(await this.unblockedWithin(options.waitWhileBlockedMs ?? 0))) {
      throw new BrokerUnavailableError(`the broker blocks publishing: ${this.blockedReason}`);
    }
    const { timeoutMs, redeclare: _redeclare, waitWhileBlockedMs: _wait, ...publishOptions } = options;
    const publishId = randomUUID();
    const headers = { ...(publishOptions.headers ?? {}), [PUBLISH_ID_HEADER]: publishId };
    const amqpOptions = { ...boundedPublishOptions({ ...publishOptions, headers }), mandatory: true };
    try {
      await this.confirmed(
        this.publishOnChannel(exchange, routingKey, content, amqpOptions),
        timeoutMs,
        options.waitWhileBlockedMs ?? 0,
      );
    } catch (error) {
      this.returned.delete(publishId);
      throw new BrokerUnavailableError(`broker did not accept the message: ${(error as Error).message}`);
    }
    const reply = this.returned.get(publishId);
    if (reply === undefined) return;
    this.returned.delete(publishId);
    throw new UnroutableMessageError(exchange, routingKey, reply);
  }

  /**
   * Straight onto golevelup's confirm channel, settled by the broker's ack or nack. Its channel
   * wrapper would hold the message through a reconnect and publish it later (after the caller was
   * told it failed), and it searches and splices an array of every unconfirmed message per
   * confirm. A closed channel throws here, and amqplib fails the unconfirmed ones when it closes.
   */
  private publishOnChannel(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: Options.Publish,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const channel = this.amqp.channel as ConfirmChannel;
      channel.publish(exchange, routingKey, content, options, (error: unknown) =>
        error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
      );
    });
  }

  /**
   * The publish's confirm, within timeoutMs of time the broker accepts publishes. A message the
   * broker took just before it blocked publishers is confirmed only once it unblocks: failing it
   * meanwhile would have the caller publish it again, and both copies arrive. So while it blocks,
   * the wait goes on (up to blockedWaitMs), and the timeout starts again once it unblocks.
   */
  private confirmed(publish: Promise<unknown>, timeoutMs: number, blockedWaitMs: number): Promise<void> {
    const blockedUntil = Date.now() + blockedWaitMs;
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let done = false;
      const finish = (error?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const onTimeout = () => {
        if (!this.blockedReason || Date.now() >= blockedUntil)
          return finish(new Error(`no confirm within ${timeoutMs} ms`));
        void this.unblockedWithin(blockedUntil - Date.now()).then(
          (unblocked) => !done && (timer = setTimeout(onTimeout, unblocked ? timeoutMs : 0)),
        );
      };
      timer = setTimeout(onTimeout, timeoutMs);
      publish.then(
        () => finish(),
        (error: Error) => finish(error),
      );
    });
  }

  private onReturn(message: ConsumeMessage): void {
    const publishId = message.properties.headers?.[PUBLISH_ID_HEADER];
    if (typeof publishId !== 'string') return;
    const { replyCode, replyText } = message.fields as unknown as { replyCode?: number; replyText?: string };
    this.returned.set(publishId, `${replyCode ?? ''} ${replyText ?? 'returned'}`.trim());
  }

  /** True once the broker accepts publishes again (or the connection dropped: a new one starts unblocked). */
  private unblockedWithin(ms: number): Promise<boolean> {
    if (!this.blockedReason) return Promise.resolve(true);
    if (ms <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.unblockWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private onBlocked(reason: string | undefined): void {
    if (reason === this.blockedReason) return;
    this.blockedReason = reason;
    if (!reason) this.unblockWaiters.splice(0).forEach((wake) => wake());
    if (reason) this.logger.warn({ msg: 'broker blocks publishing; publishes fail until it unblocks', reason });
    else this.logger.log({ msg: 'broker accepts publishes again' });
  }
}
