import { REPORT_HEADERS } from '@app/contracts';
import { EnvelopeCipher } from '@app/crypto';
import { DeadLetter, QueueAdminService, REPORT_TOPOLOGY, ReportTopology } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { DeadLetterSummary, summarizeDeadLetter } from './dead-letter.summary';
import { openDeadLetter } from './sealed-dead-letter';

export interface DeadLetterListing {
  queue: string;
  /** Messages in the dead-letter queue, of which `messages` shows the first `limit`. */
  total: number;
  messages: DeadLetterSummary[];
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

/** The report dead-letter queue (`<requests>_dlq`), looked at and replayed with the event pipeline's queue admin. */
@Injectable()
export class DeadLettersService {
  constructor(
    private readonly admin: QueueAdminService,
    @Inject(REPORT_TOPOLOGY) private readonly topology: ReportTopology,
    private readonly cipher: EnvelopeCipher,
  ) {}

  /** The first `limit` dead letters, left in the queue, as ids and failure metadata only. */
  async list(limit: number): Promise<DeadLetterListing> {
    const queue = this.topology.deadLetterQueue;
    const { messages: total } = await this.admin.stats(queue);
    const letters = await this.admin.peek(queue, limit);
    return { queue, total, messages: letters.map((letter) => summarizeDeadLetter(this.opened(letter))) };
  }

  /** Up to `limit` dead letters back to the request queue, where any worker takes them as new. */
  async replay(limit: number): Promise<DeadLetterReplay> {
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
