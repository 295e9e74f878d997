import { EVENT_HEADERS } from '@app/contracts';
import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Injectable } from '@nestjs/common';
import { ChannelModel, ConfirmChannel, GetMessage, Options } from 'amqplib';
import { copiedPublishOptions } from './amqp-properties';
import { BrokerUnavailableError } from './broker-unavailable.error';
import { UnroutableMessageError } from './confirmed.publisher';
import { withoutDeathHeaders } from './delivery-failure.router';

export interface QueueStats {
  queue: string;
  messages: number;
  consumers: number;
}

export interface DeadLetter {
  message_id?: string;
  headers: Record<string, unknown>;
  body: unknown;
}

export interface ReplayResult {
  replayed: number;
  skipped: number;
}

/** The stamp every replayed copy carries, whichever pipeline it belongs to. */
export const REPLAYED_AT_HEADER = EVENT_HEADERS.replayedAt;

/** A replay whose dead letters all go back to one queue (the report requests). */
export interface QueueReplayOptions {
  /** The queue the copies go to, through the default exchange. */
  target: string;
  /** The pipeline's attempt count and failure record: dropped, so each copy starts a fresh retry budget. */
  resetHeaders: readonly string[];
  /** Only the first message with this message id (looking at most `limit` deep); every one by default. */
  only?: string;
  /** The body each copy carries (a sealed dead letter is opened here); the message's own by default. */
  contentOf?: (message: GetMessage) => Buffer;
}

/**
 * Operator actions on queues (stats, purge, DLQ peek and replay). Each runs on a short-lived
 * channel of its own, so a broker error on one request (404 for a missing queue) closes that
 * channel only, never golevelup's publishing and consuming channels.
 */
@Injectable()
export class QueueAdminService {
  constructor(private readonly amqp: AmqpConnection) {}

  async stats(queue: string): Promise<QueueStats> {
    return this.withChannel(async (channel) => {
      const { messageCount, consumerCount } = await channel.checkQueue(queue);
      return { queue, messages: messageCount, consumers: consumerCount };
    });
  }

  /**
   * Depth and consumers of each queue, undefined for one that does not exist, on one channel: a
   * passive declare per queue. The broker closes a channel on a 404, so the next queue gets a new one.
   */
  async statsOfEach(queues: readonly string[]): Promise<Array<QueueStats | undefined>> {
    const results: Array<QueueStats | undefined> = [];
    let next = 0;
    while (next < queues.length) {
      await this.withChannel(async (channel) => {
        for (; next < queues.length; next++) {
          const queue = queues[next];
          try {
            const { messageCount, consumerCount } = await channel.checkQueue(queue);
            results.push({ queue, messages: messageCount, consumers: consumerCount });
          } catch (error) {
            if ((error as { code?: number }).code !== 404) throw error;
            results.push(undefined);
            next++;
            return;
          }
        }
      });
    }
    return results;
  }

  async purge(queue: string): Promise<{ queue: string; purged: number }> {
    return this.withChannel(async (channel) => ({ queue, purged: (await channel.purgeQueue(queue)).messageCount }));
  }

  /** Reads up to `limit` messages without removing them: closing the channel puts them back (LeftInQueue). */
  async peek(queue: string, limit: number): Promise<DeadLetter[]> {
    return this.withChannel(async (channel) => {
      const left = new LeftInQueue(channel, queue);
      const letters: DeadLetter[] = [];
      for await (const message of headOf(channel, queue, limit)) {
        letters.push(describe(message));
        left.leave(message);
      }
      await left.settle();
      return letters;
    });
  }

  /**
   * Moves up to `limit` messages from `deadLetterQueue` back to the sink queue they failed in (its
   * own queue, never the fanout), with a fresh retry budget. A message is acked only after the
   * broker confirmed its copy. One whose origin is not in `allowedTargets`, or whose queue does not
   * exist right now (deleted, not yet declared again), stays in the DLQ and counts as skipped: the
   * default exchange would confirm, and drop, a copy for a missing queue. A copy returned anyway
   * (the queue deleted during the replay) fails the replay with nothing acked. With `only`, just
   * the first message with that message id, looking at most `limit` deep.
   */
  async replay(deadLetterQueue: string, limit: number, allowedTargets: string[], only?: string): Promise<ReplayResult> {
    const stats = await this.statsOfEach(allowedTargets);
    const existing = new Set(allowedTargets.filter((_, index) => stats[index] !== undefined));
    return this.withChannel(async (channel) => {
      const left = new LeftInQueue(channel, deadLetterQueue);
      const moved: GetMessage[] = [];
      let skipped = 0;
      for await (const message of headOf(channel, deadLetterQueue, limit)) {
        if (!matches(message, only)) {
          left.leave(message);
          continue;
        }
        const target = originOf(message);
        if (!target || !existing.has(target)) {
          skipped++;
          left.leave(message);
          continue;
        }
        channel.sendToQueue(target, message.content, { ...republishOptions(message), mandatory: true });
        moved.push(message);
        if (only !== undefined) break;
      }
      await left.settle();
      if (left.returned > 0)
        throw new UnroutableMessageError(
          '',
          deadLetterQueue,
          `${left.returned} copies returned as unroutable (a queue deleted meanwhile); the dead letters stay`,
        );
      for (const message of moved) channel.ack(message);
      return { replayed: moved.length, skipped };
    });
  }

  /**
   * Moves up to `limit` messages from `deadLetterQueue` to `options.target`. Each copy keeps the
   * message's properties, correlationId and replyTo included, so an RPC caller still gets its
   * answer. The originals are acked only after the broker confirmed every copy. A copy returned as
   * unroutable (the target deleted mid-way) fails the replay with nothing acked: the dead letters
   * stay, and a copy that did arrive is a duplicate, which an at-least-once consumer takes anyway.
   */
  async replayToQueue(
    deadLetterQueue: string,
    limit: number,
    options: QueueReplayOptions,
  ): Promise<{ replayed: number }> {
    return this.withChannel(async (channel) => {
      // The default exchange would confirm, and drop, copies for a queue that does not exist.
      await channel.checkQueue(options.target);
      const left = new LeftInQueue(channel, deadLetterQueue);
      const moved: GetMessage[] = [];
      const wanted = options.only === undefined ? limit : 1;
      for await (const message of headOf(channel, deadLetterQueue, limit)) {
        if (!matches(message, options.only)) {
          left.leave(message);
          continue;
        }
        channel.sendToQueue(options.target, options.contentOf?.(message) ?? message.content, {
          ...replayedCopyOptions(message, options.resetHeaders),
          mandatory: true,
        });
        moved.push(message);
        if (moved.length === wanted) break;
      }
      await left.settle();
      if (left.returned > 0)
        throw new UnroutableMessageError(
          '',
          options.target,
          `${left.returned} of ${moved.length} replayed copies returned; the dead letters stay`,
        );
      for (const message of moved) channel.ack(message);
      return { replayed: moved.length };
    });
  }

  /**
   * Deletes the message whose message id is `messageId`, looking at most `scanLimit` messages deep;
   * the others stay in the queue (LeftInQueue). `discarded: 0` when it is not (or no longer) there.
   */
  async discard(queue: string, messageId: string, scanLimit: number): Promise<{ queue: string; discarded: number }> {
    return this.withChannel(async (channel) => {
      const left = new LeftInQueue(channel, queue);
      let discarded = 0;
      for await (const message of headOf(channel, queue, scanLimit)) {
        if (!matches(message, messageId)) {
          left.leave(message);
          continue;
        }
        channel.ack(message);
        discarded = 1;
        break;
      }
      await left.settle();
      return { queue, discarded };
    });
  }

  /**
   * Whether a queue is exclusive to another connection (a passive declare is refused with 405
   * RESOURCE_LOCKED), open to every connection, or missing (404).
   */
  async exclusivityOf(queue: string): Promise<'exclusive' | 'shared' | 'missing'> {
    return this.withChannel(async (channel) => {
      try {
        await channel.checkQueue(queue);
        return 'shared';
      } catch (error) {
        const code = (error as { code?: number }).code;
        if (code === 405) return 'exclusive';
        if (code === 404) return 'missing';
        throw error;
      }
    });
  }

  /** For one-shot commands, which start with the app: waits for the broker connection, BrokerUnavailableError after `timeoutMs`. */
  async whenConnected(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.amqp.managedConnection?.isConnected()) {
      if (Date.now() >= deadline)
        throw new BrokerUnavailableError(`not connected to the broker within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async withChannel<T>(work: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
    if (!this.amqp.managedConnection?.isConnected()) throw new BrokerUnavailableError('not connected to the broker');
    // At run time golevelup's "Connection" is amqplib's ChannelModel (the typings lag behind).
    const channel = await (this.amqp.connection as unknown as ChannelModel).createConfirmChannel();
    channel.on('error', () => undefined); // reported through the rejected operation instead
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }
}

/**
 * A quorum queue counts every hand-out of a message, and one that an operator's peek, replay or
 * discard looked at and left unacked comes back, at the channel's close, with one more. RabbitMQ
 * 4.0 to 4.2 drop a message once that count passes the queue's delivery limit when the queue has
 * no dead-letter target, and give every quorum queue a limit (20 by default), a DLQ included: some
 * twenty peeks would have emptied a DLQ. From this many deliveries on, a message left in its queue
 * is put back as a fresh copy instead (its count starts again; it moves to the queue's tail).
 */
export const RECOPY_AT_DELIVERIES = 10;

/**
 * The messages one operation looked at and leaves in their queue. Below RECOPY_AT_DELIVERIES the
 * channel's close puts each back; from there on, a copy with the same properties and headers (the
 * count aside) is published to the same queue, and the original is acked only once the broker has
 * confirmed every copy into it. It counts every copy the channel gets back as unroutable, the
 * operation's own copies included; after any, settle() acks nothing.
 */
class LeftInQueue {
  private readonly recopied: GetMessage[] = [];
  private returns = 0;

  constructor(
    private readonly channel: ConfirmChannel,
    private readonly queue: string,
  ) {
    channel.on('return', () => this.returns++);
  }

  /** Copies published on the channel that the broker returned (their queue deleted meanwhile). */
  get returned(): number {
    return this.returns;
  }

  leave(message: GetMessage): void {
    if (deliveriesOf(message) < RECOPY_AT_DELIVERIES) return;
    const headers = { ...(message.properties.headers ?? {}) };
    delete headers[DELIVERY_COUNT_HEADER];
    this.channel.sendToQueue(this.queue, message.content, {
      ...copiedPublishOptions(message.properties, headers),
      mandatory: true,
    });
    this.recopied.push(message);
  }

  /** Waits for the channel's confirms (the operation's other copies too), then acks the recopied originals. */
  async settle(): Promise<void> {
    await this.channel.waitForConfirms();
    if (this.returned > 0) return;
    for (const message of this.recopied) this.channel.ack(message);
  }
}

/**
 * Up to `limit` messages from the head of `queue`, one at a time, each at most once: the scan ends
 * at the depth the queue had when it began, so copies put back at its tail meanwhile (LeftInQueue)
 * are not taken again.
 */
async function* headOf(channel: ConfirmChannel, queue: string, limit: number): AsyncGenerator<GetMessage> {
  let end = limit;
  for (let taken = 0; taken < end; taken++) {
    const message = await channel.get(queue);
    if (!message) return;
    if (taken === 0) end = Math.min(limit, message.fields.messageCount + 1);
    yield message;
  }
}

/** How many times the queue has handed the message out before (quorum queues only; 0 otherwise). */
function deliveriesOf(message: GetMessage): number {
  const count = message.properties.headers?.[DELIVERY_COUNT_HEADER];
  return typeof count === 'number' ? count : 0;
}

/** Whether a message is the one an operator named by its message id (any message when none is named). */
function matches(message: GetMessage, only: string | undefined): boolean {
  return only === undefined || message.properties.messageId === only;
}

function describe(message: GetMessage): DeadLetter {
  let body: unknown = message.content.toString('utf8');
  try {
    body = JSON.parse(body as string);
  } catch {
    // not JSON: show the text as it is
  }
  return { message_id: message.properties.messageId, headers: message.properties.headers ?? {}, body };
}

/** Our x-original-queue header, or the broker's x-death record for TTL and overflow casualties. */
export function originOf(message: Pick<GetMessage, 'properties'>): string | undefined {
  const headers = message.properties.headers ?? {};
  const original = headers[EVENT_HEADERS.originalQueue];
  if (typeof original === 'string') return original;
  const deaths = headers['x-death'] as Array<{ queue?: string }> | undefined;
  return Array.isArray(deaths) && typeof deaths[0]?.queue === 'string' ? deaths[0].queue : undefined;
}

function republishOptions(message: GetMessage) {
  const headers = withoutDeathHeaders(message.properties.headers ?? {});
  for (const key of [EVENT_HEADERS.attempts, EVENT_HEADERS.reason, EVENT_HEADERS.failedAt]) delete headers[key];
  return {
    persistent: true,
    contentType: message.properties.contentType,
    messageId: message.properties.messageId,
    timestamp: message.properties.timestamp,
    headers: { ...headers, [EVENT_HEADERS.replayedAt]: new Date().toISOString() },
  };
}

/** A quorum queue's count of deliveries: a replayed copy is a new message, with a new count. */
const DELIVERY_COUNT_HEADER = 'x-delivery-count';

/**
 * The publish options of a replayed copy: the original's properties, without the broker's
 * bookkeeping (x-death records, delivery count) and `resetHeaders`, stamped x-replayed-at.
 */
export function replayedCopyOptions(
  message: Pick<GetMessage, 'properties'>,
  resetHeaders: readonly string[],
  now = new Date(),
): Options.Publish {
  const headers = withoutDeathHeaders(message.properties.headers ?? {});
  for (const key of [...resetHeaders, DELIVERY_COUNT_HEADER]) delete headers[key];
  return copiedPublishOptions(message.properties, { ...headers, [REPLAYED_AT_HEADER]: now.toISOString() });
}
