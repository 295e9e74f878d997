import { ReportWorkerEnv } from '@app/config';
import { REPORT_HEADERS, REPORT_PRIORITY, ReportGenerationResponse } from '@app/contracts';
import { EnvelopeCipher } from '@app/crypto';
import {
  ConfirmedPublisher,
  copiedPublishOptions,
  Delivery,
  DeliveryProperties,
  REPORT_TOPOLOGY,
  ReportTopology,
  sealDeadLetter,
} from '@app/messaging';
import { inPublishSpan } from '@app/tracing';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { hostname } from 'node:os';
import { ReportMetrics } from '../metrics/report.metrics';

type PublishOptions = ReturnType<typeof copiedPublishOptions>;
type QueueOptions = ReportTopology['declarations'][number]['options'];

/** The properties a retried or dead-lettered copy keeps (RPC callers still get their answer), with these headers added. */
function carriedProperties(properties: DeliveryProperties, headers: Record<string, unknown>): PublishOptions {
  return copiedPublishOptions(properties, { ...(properties.headers ?? {}), ...headers });
}

/**
 * Every message the worker publishes goes through here, confirmed (ConfirmedPublisher): each
 * promise resolves only once the broker has taken the message, and only then is the request acked.
 * A broker that does not confirm within REPORT_PUBLISH_TIMEOUT_MS fails the publish, and the
 * request goes back to the broker instead of holding its delivery forever. While the broker blocks
 * publishers (memory or disk alarm) a publish waits for it, up to REPORT_OUTAGE_HOLD_MS, with the
 * delivery in hand: handing it back would only bring it round again, spending its delivery limit.
 */
@Injectable()
export class ReportOutcomePublisher {
  private readonly worker = `${hostname()}:${process.pid}`;
  private readonly timeoutMs: number;
  private readonly blockedWaitMs: number;
  /** How each queue of the topology is declared, to declare again one that has gone. */
  private readonly declarations: ReadonlyMap<string, QueueOptions>;

  constructor(
    private readonly publisher: ConfirmedPublisher,
    @Inject(REPORT_TOPOLOGY) private readonly topology: ReportTopology,
    private readonly metrics: ReportMetrics,
    private readonly cipher: EnvelopeCipher,
    config: ConfigService<ReportWorkerEnv, true>,
  ) {
    this.timeoutMs = config.get('REPORT_PUBLISH_TIMEOUT_MS', { infer: true });
    this.blockedWaitMs = config.get('REPORT_OUTAGE_HOLD_MS', { infer: true });
    this.declarations = new Map(topology.declarations.map(({ name, options }) => [name, options]));
  }

  get maxRetries(): number {
    return this.topology.maxRetries;
  }

  /**
   * The response carries request_id as its correlation id; the publisher leaves out one that does
   * not fit an AMQP short string (255 bytes), and the body always carries it. With tracing on it
   * carries the request's trace in `traceparent`.
   */
  async respond(response: ReportGenerationResponse): Promise<void> {
    const queue = this.topology.responseQueue;
    await inPublishSpan({ destination: queue, messageId: response.request_id || undefined }, (headers) => {
      const options = {
        persistent: true,
        contentType: 'application/json',
        correlationId: response.request_id || undefined,
        type: `report.${response.status}`,
        headers,
      };
      return this.publish('respond', queue, Buffer.from(JSON.stringify(response)), options);
    });
  }

  /**
   * Parks a copy in the delay queue of this retry; it returns to the request queue when its TTL
   * runs out. A copy of an urgent request is marked urgent, so it is moved to the urgent queue again.
   */
  async retry(message: Delivery, attempt: number): Promise<void> {
    const headers = { [REPORT_HEADERS.attempt]: attempt + 1, [REPORT_HEADERS.worker]: this.worker };
    await this.publish(
      'retry',
      this.topology.retryQueueFor(attempt),
      message.content,
      this.retryProperties(message, headers),
    );
  }

  /** Busy elsewhere: wait like this attempt's retry, without spending an attempt. */
  async postpone(message: Delivery, attempt: number): Promise<void> {
    const headers = { [REPORT_HEADERS.attempt]: attempt, [REPORT_HEADERS.worker]: this.worker };
    await this.publish(
      'postpone',
      this.topology.retryQueueFor(attempt),
      message.content,
      this.retryProperties(message, headers),
    );
  }

  /** An urgent request that arrived on the request queue, moved to the urgent queue before any work. */
  async forwardUrgent(message: Delivery): Promise<void> {
    if (!this.topology.urgentQueue) throw new Error('no urgent queue: classic queues keep priorities instead');
    await this.publish(
      'forward_urgent',
      this.topology.urgentQueue,
      message.content,
      carriedProperties(message.properties, {}),
    );
  }

  private retryProperties(message: Delivery, headers: Record<string, unknown>): PublishOptions {
    const properties = carriedProperties(message.properties, headers);
    const urgent = this.topology.urgentQueue !== undefined && message.routingKey === this.topology.urgentQueue;
    return urgent ? { ...properties, priority: REPORT_PRIORITY.urgent } : properties;
  }

  /** The request parked in the dead-letter queue, its body sealed (see sealDeadLetter), with why and when it failed. */
  async deadLetter(message: Delivery, reason: string, attempt: number): Promise<void> {
    const sealed = sealDeadLetter(this.cipher, this.topology.deadLetterQueue, message.content);
    const headers = {
      ...sealed.headers,
      [REPORT_HEADERS.attempt]: attempt,
      [REPORT_HEADERS.deadLetterReason]: reason,
      [REPORT_HEADERS.failedAt]: new Date().toISOString(),
      [REPORT_HEADERS.worker]: this.worker,
    };
    await this.publish(
      'dead_letter',
      this.topology.deadLetterQueue,
      sealed.body,
      carriedProperties(message.properties, headers),
    );
  }

  /** Default exchange, confirmed; timed as a RabbitMQ round trip. A queue that has gone is declared again as the topology declares it. */
  private async publish(operation: string, queue: string, body: Buffer, options: PublishOptions): Promise<void> {
    const redeclare = this.declarations.get(queue);
    await this.metrics.time('rabbitmq', operation, () =>
      this.publisher.publish('', queue, body, {
        ...options,
        timeoutMs: this.timeoutMs,
        redeclare,
        waitWhileBlockedMs: this.blockedWaitMs,
      }),
    );
  }
}
