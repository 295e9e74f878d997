import { EVENT_HEADERS } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { ConsumeMessage } from 'amqplib';
import { ConfirmedPublisher } from './confirmed.publisher';
import { QueueKind } from './durable-queue.options';
import { deadLetterQueueOptions, retryQueueOptions } from './event-topology.factory';
import { attemptsFromHeader, FailureRoute, routeFailure } from './retry.policy';

export interface RetryTarget {
  sinkQueue: string;
  deadLetterQueue: string;
  delaysMs: number[];
  publishTimeoutMs: number;
  queueKind: QueueKind;
  /** While the broker blocks publishers, how long the copy waits (the delivery held) before failing. */
  waitWhileBlockedMs: number;
}

/**
 * Sends a failed delivery to its sink's next delay queue, or to the DLQ with the reason and the
 * attempt count in headers. Resolves after the broker confirmed the copy: only then may the
 * caller ack the original, so a crash in between duplicates a message instead of losing it.
 */
@Injectable()
export class DeliveryFailureRouter {
  constructor(private readonly publisher: ConfirmedPublisher) {}

  async route(message: ConsumeMessage, target: RetryTarget, reason: string, permanent: boolean): Promise<FailureRoute> {
    const headers = message.properties.headers ?? {};
    const route = routeFailure(
      target.sinkQueue,
      target.delaysMs,
      attemptsFromHeader(headers[EVENT_HEADERS.attempts]),
      permanent,
    );
    const queue = route.kind === 'retry' ? route.queue : target.deadLetterQueue;
    await this.publisher.publish('', queue, message.content, {
      persistent: true,
      waitWhileBlockedMs: target.waitWhileBlockedMs,
      redeclare:
        route.kind === 'retry'
          ? retryQueueOptions(target.sinkQueue, route.delayMs, target.queueKind)
          : deadLetterQueueOptions(target.queueKind),
      timeoutMs: target.publishTimeoutMs,
      contentType: message.properties.contentType,
      messageId: message.properties.messageId,
      timestamp: message.properties.timestamp,
      headers: {
        ...withoutDeathHeaders(headers),
        [EVENT_HEADERS.attempts]: route.attempts,
        [EVENT_HEADERS.reason]: reason.slice(0, 1000),
        [EVENT_HEADERS.originalQueue]: target.sinkQueue,
        [EVENT_HEADERS.failedAt]: new Date().toISOString(),
      },
    });
    return route;
  }
}

/** The broker's own dead-letter bookkeeping would only grow with every retry round; we keep ours. */
export function withoutDeathHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => !/^x-(death|first-death|last-death)/.test(key)));
}
