import { REPORT_HEADERS, ReportGenerationResponse } from '@app/contracts';
import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Inject, Injectable } from '@nestjs/common';
import type { ConsumeMessage, MessageProperties, Options } from 'amqplib';
import { hostname } from 'node:os';
import { ReportMetrics } from '../metrics/report.metrics';
import { REPORT_TOPOLOGY } from '../transport/report-topology.token';
import type { ReportTopology } from '../transport/report-topology';

/** The properties a retried or dead-lettered copy keeps: RPC callers still get their answer. */
function carriedProperties(properties: MessageProperties, headers: Record<string, unknown>): Options.Publish {
  const { contentType, contentEncoding, correlationId, replyTo, messageId, priority, timestamp, type, appId } = properties;
  return {
    contentType,
    contentEncoding,
    correlationId,
    replyTo,
    messageId,
    priority,
    timestamp,
    type,
    appId,
    persistent: true,
    headers: { ...(properties.headers ?? {}), ...headers },
  };
}

/**
 * Every message the worker publishes goes through here, on golevelup's confirm channel: each
 * promise resolves only once the broker has taken the message, and only then is the request acked.
 */
@Injectable()
export class ReportOutcomePublisher {
  private readonly worker = `${hostname()}:${process.pid}`;

  constructor(
    private readonly amqp: AmqpConnection,
    @Inject(REPORT_TOPOLOGY) private readonly topology: ReportTopology,
    private readonly metrics: ReportMetrics,
  ) {}

  get maxRetries(): number {
    return this.topology.retryQueues.length;
  }

  async respond(response: ReportGenerationResponse): Promise<void> {
    const options = { persistent: true, contentType: 'application/json', correlationId: response.request_id || undefined, type: `report.${response.status}` };
    await this.publish('respond', this.topology.responseQueue, response, options);
  }

  /** Parks a copy in the retry queue of this attempt; it returns to the request queue when its TTL runs out. */
  async retry(message: ConsumeMessage, attempt: number): Promise<void> {
    const queue = this.topology.retryQueues[Math.min(attempt, this.maxRetries) - 1];
    const headers = { [REPORT_HEADERS.attempt]: attempt + 1, [REPORT_HEADERS.worker]: this.worker };
    await this.publish('retry', queue.name, message.content, carriedProperties(message.properties, headers));
  }

  /** Busy elsewhere: wait like this attempt's retry, without spending an attempt. */
  async postpone(message: ConsumeMessage, attempt: number): Promise<void> {
    const queue = this.topology.retryQueues[Math.max(0, Math.min(attempt, this.maxRetries) - 1)];
    if (!queue) throw new Error('no retry queue configured (MAX_RETRIES=0): cannot postpone a busy request');
    const headers = { [REPORT_HEADERS.attempt]: attempt, [REPORT_HEADERS.worker]: this.worker };
    await this.publish('postpone', queue.name, message.content, carriedProperties(message.properties, headers));
  }

  async deadLetter(message: ConsumeMessage, reason: string, attempt: number): Promise<void> {
    const headers = {
      [REPORT_HEADERS.attempt]: attempt,
      [REPORT_HEADERS.deadLetterReason]: reason,
      [REPORT_HEADERS.failedAt]: new Date().toISOString(),
      [REPORT_HEADERS.worker]: this.worker,
    };
    await this.publish('dead_letter', this.topology.deadLetterQueue, message.content, carriedProperties(message.properties, headers));
  }

  /** Default exchange, confirmed; timed as a RabbitMQ round trip. */
  private async publish(operation: string, queue: string, body: unknown, options: Options.Publish): Promise<void> {
    await this.metrics.time('rabbitmq', operation, () => this.amqp.publish('', queue, body, options));
  }
}
