import { REPORT_HEADERS, WEBHOOK_JOB_HEADERS, webhookQueueNames } from '@app/contracts';
import { EnvelopeCipher } from '@app/crypto';
import { DeadLetter, QueueAdminService, REPORT_TOPOLOGY, ReportTopology } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { DeadLetterSummary, summarizeDeadLetter } from './dead-letter.summary';
import { summarizeWebhookDeadLetter, WebhookDeadLetterSummary } from './webhook-dead-letter.summary';
import { openDeadLetter } from './sealed-dead-letter';

export interface DeadLetterListing {
  queue: string;
  /** Messages in the dead-letter queue, of which `messages` shows the first `limit`. */
  total: number;
  messages: Array<DeadLetterSummary | WebhookDeadLetterSummary>;
}

export interface DeadLetterReplay {
  queue: string;
  target: string;
  replayed: number;
}

/** The attempt count and the failure record: a replayed request starts a fresh retry budget. */
const RESET_ON_REPLAY = [
  REPORT_HEADERS.attempt,
  REPORT_HEADERS.deadLetterReason,
  REPORT_HEADERS.failedAt,
  REPORT_HEADERS.worker,
  REPORT_HEADERS.sealedBody,
];

/** A replayed webhook job is POSTed again up to WEBHOOK_MAX_ATTEMPTS times, with its URL and delivery id kept. */
const RESET_ON_WEBHOOK_REPLAY = [
  REPORT_HEADERS.attempt,
  REPORT_HEADERS.deadLetterReason,
  REPORT_HEADERS.failedAt,
  REPORT_HEADERS.worker,
  WEBHOOK_JOB_HEADERS.lastStatus,
];

/**
 * The report dead-letter queue (`<requests>_dlq`) and the webhook one (`<requests>.webhooks_dlq`),
 * looked at and replayed with the event pipeline's queue admin. The webhook queues are named from
 * the request queue whether webhooks are on or not, so letters left from before they were turned
 * off can still be seen and replayed.
 */
@Injectable()
export class DeadLettersService {
  constructor(
    private readonly admin: QueueAdminService,
    @Inject(REPORT_TOPOLOGY) private readonly topology: ReportTopology,
    private readonly cipher: EnvelopeCipher,
  ) {}

  /** The first `limit` dead letters, left in the queue, as ids and failure metadata only. */
  async list(limit: number, which?: 'webhooks'): Promise<DeadLetterListing> {
    if (which === 'webhooks') return this.listWebhooks(limit);
    const queue = this.topology.deadLetterQueue;
    const { messages: total } = await this.admin.stats(queue);
    const letters = await this.admin.peek(queue, limit);
    return { queue, total, messages: letters.map((letter) => summarizeDeadLetter(this.opened(letter))) };
  }

  /** Up to `limit` dead letters back to the request queue, where any worker takes them as new. */
  async replay(limit: number, which?: 'webhooks'): Promise<DeadLetterReplay> {
    if (which === 'webhooks') return this.replayWebhooks(limit);
    const queue = this.topology.deadLetterQueue;
    const target = this.topology.requestQueue;
    const contentOf = ({
      content,
      properties,
    }: {
      content: Buffer;
      properties: { headers?: Record<string, unknown> };
    }) => openDeadLetter(this.cipher, queue, content, properties.headers);
    const { replayed } = await this.admin.replayToQueue(queue, limit, {
      target,
      resetHeaders: RESET_ON_REPLAY,
      contentOf,
    });
    return { queue, target, replayed };
  }

  private async listWebhooks(limit: number): Promise<DeadLetterListing> {
    const queue = webhookQueueNames(this.topology.requestQueue).deadLetterQueue;
    const { messages: total } = await this.admin.stats(queue);
    const letters = await this.admin.peek(queue, limit);
    return { queue, total, messages: letters.map(summarizeWebhookDeadLetter) };
  }

  /** Up to `limit` webhook jobs back to the webhook queue; webhook bodies are not sealed (a response holds no health data). */
  private async replayWebhooks(limit: number): Promise<DeadLetterReplay> {
    const { queue: target, deadLetterQueue: queue } = webhookQueueNames(this.topology.requestQueue);
    const { replayed } = await this.admin.replayToQueue(queue, limit, {
      target,
      resetHeaders: RESET_ON_WEBHOOK_REPLAY,
    });
    return { queue, target, replayed };
  }

  /** The letter with its request opened (a sealed one), for the summary to read its two ids. */
  private opened(letter: DeadLetter): DeadLetter {
    if (typeof letter.body !== 'string') return letter;
    const request = openDeadLetter(
      this.cipher,
      this.topology.deadLetterQueue,
      Buffer.from(letter.body),
      letter.headers,
    ).toString('utf8');
    try {
      return { ...letter, body: JSON.parse(request) };
    } catch {
      return { ...letter, body: request };
    }
  }
}
