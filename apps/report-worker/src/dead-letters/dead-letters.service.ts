import { REPORT_HEADERS } from '@app/contracts';
import { QueueAdminService } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { REPORT_TOPOLOGY } from '../transport/report-topology.token';
import type { ReportTopology } from '../transport/report-topology';
import { DeadLetterSummary, summarizeDeadLetter } from './dead-letter.summary';

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
const RESET_ON_REPLAY = [REPORT_HEADERS.attempt, REPORT_HEADERS.deadLetterReason, REPORT_HEADERS.failedAt, REPORT_HEADERS.worker];

/** The report dead-letter queue (`<requests>_dlq`), looked at and replayed with the event pipeline's queue admin. */
@Injectable()
export class DeadLettersService {
  constructor(
    private readonly admin: QueueAdminService,
    @Inject(REPORT_TOPOLOGY) private readonly topology: ReportTopology,
  ) {}

  /** The first `limit` dead letters, left in the queue, as ids and failure metadata only. */
  async list(limit: number): Promise<DeadLetterListing> {
    const queue = this.topology.deadLetterQueue;
    const { messages: total } = await this.admin.stats(queue);
    const letters = await this.admin.peek(queue, limit);
    return { queue, total, messages: letters.map(summarizeDeadLetter) };
  }

  /** Up to `limit` dead letters back to the request queue, where any worker takes them as new. */
  async replay(limit: number): Promise<DeadLetterReplay> {
    const queue = this.topology.deadLetterQueue;
    const target = this.topology.requestQueue;
    const { replayed } = await this.admin.replayToQueue(queue, limit, { target, resetHeaders: RESET_ON_REPLAY });
    return { queue, target, replayed };
  }
}
