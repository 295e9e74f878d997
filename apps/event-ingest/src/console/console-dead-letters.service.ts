import { EVENT_HEADERS } from '@app/contracts';
import { DeadLetter, originOf, QueueAdminService, ReportDeadLettersService } from '@app/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { KnownQueues } from '../admin/known-queues';
import type { Pipeline } from './console-queues.service';

/** One dead letter as the console lists it: its identity, why and when it failed, never a request's content. */
export interface ConsoleDeadLetter {
  message_id?: string;
  reason?: string;
  attempts?: number;
  failed_at?: string;
  /** The queue a replay sends it back to (events: the sink it failed in). */
  origin?: string;
  /** Report letters: the ids the sealed request holds, shown only where the console has the key ring. */
  request_id?: string;
  user_id?: string;
}

export interface ConsoleDeadLetterListing {
  pipeline: Pipeline;
  queue: string;
  total: number;
  messages: ConsoleDeadLetter[];
  /** Whether one letter can be replayed here (report letters: sealed ones need the key ring). */
  replayable: boolean;
}

/** How deep "replay all" and "discard all" go, and how deep a letter named by its id is looked for. */
export const DEAD_LETTER_SCAN_LIMIT = 10_000;

/**
 * The dead letters of both pipelines for the console, through the same services as the command
 * lines: QueueAdminService for the events' DLQ (GET /rabbitmq/dlq, `events:dlq`), the report
 * worker's ReportDeadLettersService for the reports' (`reports:dlq`).
 */
@Injectable()
export class ConsoleDeadLettersService {
  constructor(
    private readonly admin: QueueAdminService,
    @Inject(KnownQueues) private readonly known: KnownQueues,
    private readonly reports: ReportDeadLettersService,
  ) {}

  queueOf(pipeline: Pipeline): string {
    return pipeline === 'events' ? this.known.names.deadLetterQueue : this.reports.queue;
  }

  async list(pipeline: Pipeline, limit: number): Promise<ConsoleDeadLetterListing> {
    if (pipeline === 'reports') {
      const listing = await this.reports.list(limit);
      const messages = listing.messages.map(({ message_id, reason, attempt, failed_at, request_id, user_id }) =>
        withoutUnset({ message_id, reason, attempts: attempt, failed_at, request_id, user_id }),
      );
      return { pipeline, queue: listing.queue, total: listing.total, messages, replayable: this.reports.canOpenSealed };
    }
    const queue = this.known.names.deadLetterQueue;
    const { messages: total } = await this.admin.stats(queue);
    const letters = await this.admin.peek(queue, limit);
    return { pipeline, queue, total, messages: letters.map(eventLetter), replayable: true };
  }

  async replay(pipeline: Pipeline, messageId?: string): Promise<{ queue: string; replayed: number }> {
    if (pipeline === 'reports') {
      const { queue, replayed } = await this.reports.replay(DEAD_LETTER_SCAN_LIMIT, messageId);
      return { queue, replayed };
    }
    const queue = this.known.names.deadLetterQueue;
    const { replayed } = await this.admin.replay(queue, DEAD_LETTER_SCAN_LIMIT, this.known.sinkQueues, messageId);
    return { queue, replayed };
  }

  async discard(pipeline: Pipeline, messageId?: string): Promise<{ queue: string; discarded: number }> {
    if (pipeline === 'reports') return this.reports.discard(messageId, DEAD_LETTER_SCAN_LIMIT);
    const queue = this.known.names.deadLetterQueue;
    if (messageId !== undefined) return this.admin.discard(queue, messageId, DEAD_LETTER_SCAN_LIMIT);
    return { queue, discarded: (await this.admin.purge(queue)).purged };
  }
}

/** An event dead letter by its headers; the event itself (e-commerce ids) stays out of the list. */
function eventLetter(letter: DeadLetter): ConsoleDeadLetter {
  const headers = letter.headers;
  const attempts = Number(headers[EVENT_HEADERS.attempts]);
  return withoutUnset({
    message_id: letter.message_id,
    reason: text(headers[EVENT_HEADERS.reason]),
    attempts: Number.isInteger(attempts) ? attempts : undefined,
    failed_at: text(headers[EVENT_HEADERS.failedAt]),
    origin: originOf({ properties: { headers } } as Parameters<typeof originOf>[0]),
  });
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, 1000) : undefined;
}

function withoutUnset<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
