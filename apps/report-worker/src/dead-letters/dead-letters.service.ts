import { REPORT_HEADERS, WEBHOOK_JOB_HEADERS, webhookQueueNames } from '@app/contracts';
import {
  DeadLetterSummary,
  QueueAdminService,
  REPORT_TOPOLOGY,
  ReportDeadLetterReplay,
  ReportDeadLettersService,
  ReportTopology,
} from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { summarizeWebhookDeadLetter, WebhookDeadLetterSummary } from './webhook-dead-letter.summary';

export interface DeadLetterListing {
  queue: string;
  /** Messages in the dead-letter queue, of which `messages` shows the first `limit`. */
  total: number;
  messages: Array<DeadLetterSummary | WebhookDeadLetterSummary>;
}

/** A replayed webhook job is POSTed again up to WEBHOOK_MAX_ATTEMPTS times, with its URL and delivery id kept. */
const RESET_ON_WEBHOOK_REPLAY = [
  REPORT_HEADERS.attempt,
  REPORT_HEADERS.deadLetterReason,
  REPORT_HEADERS.failedAt,
  REPORT_HEADERS.worker,
  WEBHOOK_JOB_HEADERS.lastStatus,
];

/**
 * The dead letters `reports:dlq` works on: the report dead-letter queue (`<requests>_dlq`),
 * through the ReportDeadLettersService that event-ingest's console uses too, and the webhook one
 * (`<requests>.webhooks_dlq`). The webhook queues are named from the request queue whether
 * webhooks are on or not, so letters left from before they were turned off can still be seen and
 * replayed.
 */
@Injectable()
export class DeadLettersService {
  constructor(
    private readonly admin: QueueAdminService,
    @Inject(REPORT_TOPOLOGY) private readonly topology: ReportTopology,
    private readonly requests: ReportDeadLettersService,
  ) {}

  /** The first `limit` dead letters, left in the queue, as ids and failure metadata only. */
  async list(limit: number, which?: 'webhooks'): Promise<DeadLetterListing> {
    return which === 'webhooks' ? this.listWebhooks(limit) : this.requests.list(limit);
  }

  /** Up to `limit` dead letters back to the queue they came from, where any worker takes them as new. */
  async replay(limit: number, which?: 'webhooks'): Promise<ReportDeadLetterReplay> {
    return which === 'webhooks' ? this.replayWebhooks(limit) : this.requests.replay(limit);
  }

  private async listWebhooks(limit: number): Promise<DeadLetterListing> {
    const queue = webhookQueueNames(this.topology.requestQueue).deadLetterQueue;
    const { messages: total } = await this.admin.stats(queue);
    const letters = await this.admin.peek(queue, limit);
    return { queue, total, messages: letters.map(summarizeWebhookDeadLetter) };
  }

  /** Up to `limit` webhook jobs back to the webhook queue; webhook bodies are not sealed (a response holds no health data). */
  private async replayWebhooks(limit: number): Promise<ReportDeadLetterReplay> {
    const { queue: target, deadLetterQueue: queue } = webhookQueueNames(this.topology.requestQueue);
    const { replayed } = await this.admin.replayToQueue(queue, limit, {
      target,
      resetHeaders: RESET_ON_WEBHOOK_REPLAY,
    });
    return { queue, target, replayed };
  }
}
