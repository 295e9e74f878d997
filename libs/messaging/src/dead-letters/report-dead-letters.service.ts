import { REPORT_HEADERS } from '@app/contracts';
import { EnvelopeCipher } from '@app/crypto';
import { DeadLetter, QueueAdminService } from '../queue-admin.service';
import type { ReportTopology } from '../report-topology.factory';
import { REPORT_TOPOLOGY } from '../report-topology.token';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DeadLetterSummary, summarizeDeadLetter } from './report-dead-letter.summary';
import { openDeadLetter } from './sealed-dead-letter';

export interface ReportDeadLetterListing {
  queue: string;
  /** Messages in the dead-letter queue, of which `messages` shows the first `limit`. */
  total: number;
  messages: DeadLetterSummary[];
}

export interface ReportDeadLetterReplay {
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

/** A sealed dead letter met by a process that holds no key ring (REPORT_ENCRYPTION_KEYS). */
export class DeadLetterSealedError extends Error {}

/**
 * The report dead-letter queue (`<requests>_dlq`), looked at and replayed with the event
 * pipeline's queue admin, by the report worker's command line and by event-ingest's console.
 * Without the key ring a process still lists the letters (their ids stay sealed) and discards
 * them, but cannot replay a sealed one.
 */
@Injectable()
export class ReportDeadLettersService {
  constructor(
    private readonly admin: QueueAdminService,
    @Inject(REPORT_TOPOLOGY) private readonly topology: ReportTopology,
    @Optional() private readonly cipher?: EnvelopeCipher,
  ) {}

  get queue(): string {
    return this.topology.deadLetterQueue;
  }

  /** Whether this process holds the key ring that opens sealed letters. */
  get canOpenSealed(): boolean {
    return this.cipher !== undefined;
  }

  /** The first `limit` dead letters, left in the queue, as ids and failure metadata only. */
  async list(limit: number): Promise<ReportDeadLetterListing> {
    const queue = this.topology.deadLetterQueue;
    const { messages: total } = await this.admin.stats(queue);
    const letters = await this.admin.peek(queue, limit);
    return { queue, total, messages: letters.map((letter) => summarizeDeadLetter(this.opened(letter))) };
  }

  /**
   * Up to `limit` dead letters back to the request queue, where any worker takes them as new; with
   * `messageId`, only the first letter with that message id, looking at most `limit` deep.
   */
  async replay(limit: number, messageId?: string): Promise<ReportDeadLetterReplay> {
    const queue = this.topology.deadLetterQueue;
    const target = this.topology.requestQueue;
    const contentOf = ({
      content,
      properties,
    }: {
      content: Buffer;
      properties: { headers?: Record<string, unknown> };
    }) => this.open(content, properties.headers);
    const { replayed } = await this.admin.replayToQueue(queue, limit, {
      target,
      resetHeaders: RESET_ON_REPLAY,
      contentOf,
      only: messageId,
    });
    return { queue, target, replayed };
  }

  /** Deletes the letter with this message id (looking at most `scanLimit` deep), or every letter without one. */
  async discard(messageId: string | undefined, scanLimit: number): Promise<{ queue: string; discarded: number }> {
    const queue = this.topology.deadLetterQueue;
    if (messageId !== undefined) return this.admin.discard(queue, messageId, scanLimit);
    const { purged } = await this.admin.purge(queue);
    return { queue, discarded: purged };
  }

  /** The letter with its request opened (a sealed one), for the summary to read its two ids. */
  private opened(letter: DeadLetter): DeadLetter {
    if (typeof letter.body !== 'string') return letter;
    if (!this.cipher && isSealed(letter.headers)) return { ...letter, body: undefined };
    const request = this.open(Buffer.from(letter.body), letter.headers).toString('utf8');
    try {
      return { ...letter, body: JSON.parse(request) };
    } catch {
      return { ...letter, body: request };
    }
  }

  /** The request a letter holds; a sealed one needs the key ring. */
  private open(content: Buffer, headers: Record<string, unknown> = {}): Buffer {
    if (!isSealed(headers)) return content;
    if (!this.cipher)
      throw new DeadLetterSealedError(
        'the report dead letters are sealed: replaying them needs REPORT_ENCRYPTION_KEYS',
      );
    return openDeadLetter(this.cipher, this.topology.deadLetterQueue, content, headers);
  }
}

function isSealed(headers: Record<string, unknown>): boolean {
  return headers[REPORT_HEADERS.sealedBody] !== undefined;
}
