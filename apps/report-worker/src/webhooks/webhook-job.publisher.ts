import { ReportWorkerEnv } from '@app/config';
import { REPORT_HEADERS, ReportGenerationResponse, WEBHOOK_JOB_HEADERS } from '@app/contracts';
import {
  ConfirmedPublisher,
  copiedPublishOptions,
  Delivery,
  REPORT_TOPOLOGY,
  ReportTopology,
  WebhookTopology,
} from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Options } from 'amqplib';
import { ReportMetrics } from '../metrics/report.metrics';

/** Why it failed and what the receiver last answered, on a retried or dead-lettered job. */
export interface WebhookFailure {
  reason: string;
  status?: number;
}

/**
 * The webhook jobs the worker publishes, each confirmed (ConfirmedPublisher) before the delivery
 * it comes from is acked, with the timeouts of the report publishes. A job's body is the response
 * JSON, byte for byte what is POSTed; its headers carry the URL, the delivery id (the same on every
 * attempt) and the attempt. A queue that has gone is declared again as the topology declares it.
 */
@Injectable()
export class WebhookJobPublisher {
  private readonly worker = `${hostname()}:${process.pid}`;
  private readonly timeoutMs: number;
  private readonly blockedWaitMs: number;
  private readonly declarations: ReadonlyMap<string, Options.AssertQueue>;

  constructor(
    private readonly publisher: ConfirmedPublisher,
    @Inject(REPORT_TOPOLOGY) private readonly topology: ReportTopology,
    private readonly metrics: ReportMetrics,
    config: ConfigService<ReportWorkerEnv, true>,
  ) {
    this.timeoutMs = config.get('REPORT_PUBLISH_TIMEOUT_MS', { infer: true });
    this.blockedWaitMs = config.get('REPORT_OUTAGE_HOLD_MS', { infer: true });
    this.declarations = new Map((topology.webhooks?.declarations ?? []).map(({ name, options }) => [name, options]));
  }

  /** The webhook queues; a job is only ever made for an admitted callback_url, so webhooks are on. */
  private get webhooks(): WebhookTopology {
    if (!this.topology.webhooks) throw new Error('webhooks are off (WEBHOOK_SECRET is empty)');
    return this.topology.webhooks;
  }

  /** A new job for `response`; resolves with its delivery id once the broker has it. */
  async enqueue(response: ReportGenerationResponse, url: string): Promise<string> {
    const deliveryId = randomUUID();
    const options: Options.Publish = {
      persistent: true,
      contentType: 'application/json',
      messageId: deliveryId,
      correlationId: response.request_id || undefined,
      type: `report.${response.status}`,
      headers: {
        [WEBHOOK_JOB_HEADERS.url]: url,
        [WEBHOOK_JOB_HEADERS.deliveryId]: deliveryId,
        [REPORT_HEADERS.attempt]: 1,
      },
    };
    await this.publish('webhook_enqueue', this.webhooks.queue, Buffer.from(JSON.stringify(response)), options);
    return deliveryId;
  }

  /** After failed POST number `attempt`: a copy waits in that attempt's delay queue, then comes back as attempt + 1. */
  async retry(job: Delivery, attempt: number, failure: WebhookFailure): Promise<void> {
    const headers = { ...this.failureHeaders(failure), [REPORT_HEADERS.attempt]: attempt + 1 };
    await this.publish('webhook_retry', this.webhooks.retryQueueFor(attempt), job.content, this.copyOf(job, headers));
  }

  /** The job parked in the webhook DLQ with why, when and after how many POSTs it failed. */
  async deadLetter(job: Delivery, attempt: number, failure: WebhookFailure): Promise<void> {
    const headers = {
      ...this.failureHeaders(failure),
      [REPORT_HEADERS.attempt]: attempt,
      [REPORT_HEADERS.deadLetterReason]: failure.reason.slice(0, 1000),
      [REPORT_HEADERS.failedAt]: new Date().toISOString(),
    };
    await this.publish('webhook_dead_letter', this.webhooks.deadLetterQueue, job.content, this.copyOf(job, headers));
  }

  private failureHeaders(failure: WebhookFailure): Record<string, unknown> {
    return {
      [REPORT_HEADERS.worker]: this.worker,
      ...(failure.status !== undefined ? { [WEBHOOK_JOB_HEADERS.lastStatus]: failure.status } : {}),
    };
  }

  private copyOf(job: Delivery, headers: Record<string, unknown>): Options.Publish {
    const kept = { ...(job.properties.headers ?? {}) };
    delete kept[WEBHOOK_JOB_HEADERS.lastStatus];
    return copiedPublishOptions(job.properties, { ...kept, ...headers });
  }

  private async publish(operation: string, queue: string, body: Buffer, options: Options.Publish): Promise<void> {
    await this.metrics.time('rabbitmq', operation, () =>
      this.publisher.publish('', queue, body, {
        ...options,
        timeoutMs: this.timeoutMs,
        redeclare: this.declarations.get(queue),
        waitWhileBlockedMs: this.blockedWaitMs,
      }),
    );
  }
}
