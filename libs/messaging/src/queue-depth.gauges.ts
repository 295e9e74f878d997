import { withTimeout } from '@app/common';
import { Gauge, Registry } from 'prom-client';
import type { QueueStats } from './queue-admin.service';

/** A queue whose depth and consumers are exported, and what it is for (`work`, `retry`, `dlq`, …). */
export interface WatchedQueue {
  queue: string;
  role: string;
}

/** Reads depth and consumers of each queue, undefined for a missing one (QueueAdminService.statsOfEach). */
export type QueueStatsReader = (queues: readonly string[]) => Promise<Array<QueueStats | undefined>>;

interface Reading {
  up: boolean;
  stats: Array<{ watched: WatchedQueue; stats: QueueStats }>;
}

export interface QueueDepthGaugeOptions {
  /** A scrape within this long of the last broker read is answered from it (a scrape storm reads once). */
  maxAgeMs?: number;
  /** A broker that does not answer in this long counts as down for this scrape. */
  timeoutMs?: number;
  now?: () => number;
}

/**
 * `<prefix>_queue_messages` (ready messages) and `<prefix>_queue_consumers` per queue, and
 * `<prefix>_broker_up`, read from the broker at scrape time by passive declares, at most once per
 * `maxAgeMs`. A broker that is away or slow never fails the scrape: the queue series are left out,
 * broker_up is 0, and every other metric is exported as usual.
 */
export class QueueDepthGauges {
  private queues: WatchedQueue[] = [];
  private reader?: QueueStatsReader;
  private last?: { at: number; reading: Promise<Reading> };
  private readonly maxAgeMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(registry: Registry, prefix: string, options: QueueDepthGaugeOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? 5000;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.now = options.now ?? Date.now;
    const read = () => this.read();
    new Gauge({
      name: `${prefix}_queue_messages`,
      help: 'Messages ready in the queue (read from the broker at scrape time, at most every few seconds).',
      labelNames: ['queue', 'role'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const { watched, stats } of (await read()).stats) this.set({ ...watched }, stats.messages);
      },
    });
    new Gauge({
      name: `${prefix}_queue_consumers`,
      help: 'Consumers of the queue, all processes together (read from the broker at scrape time).',
      labelNames: ['queue', 'role'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const { watched, stats } of (await read()).stats) this.set({ ...watched }, stats.consumers);
      },
    });
    new Gauge({
      name: `${prefix}_broker_up`,
      help: '1 when the last read of the queue gauges reached the broker, 0 when it did not (the queue gauges are then absent).',
      registers: [registry],
      async collect() {
        this.set((await read()).up ? 1 : 0);
      },
    });
  }

  /** The queues to export and how to read them; until then broker_up is 0 and no queue is exported. */
  watch(queues: WatchedQueue[], reader: QueueStatsReader): void {
    this.queues = queues;
    this.reader = reader;
    this.last = undefined;
  }

  private read(): Promise<Reading> {
    const now = this.now();
    if (!this.last || now - this.last.at >= this.maxAgeMs) this.last = { at: now, reading: this.fetch() };
    return this.last.reading;
  }

  private async fetch(): Promise<Reading> {
    if (!this.reader) return { up: false, stats: [] };
    try {
      const stats = await withTimeout(
        this.reader(this.queues.map(({ queue }) => queue)),
        this.timeoutMs,
        'queue stats',
      );
      return {
        up: true,
        stats: this.queues.flatMap((watched, i) => (stats[i] ? [{ watched, stats: stats[i] }] : [])),
      };
    } catch {
      return { up: false, stats: [] };
    }
  }
}
