import { Global, Injectable, Module } from '@nestjs/common';

/** One point of the throughput chart: events accepted in the `seconds` from `at`. */
export interface ThroughputPoint {
  at: string;
  events: number;
}

const BUCKET_MS = 10_000;
const WINDOW_BUCKETS = 90; // 15 minutes

/**
 * Events this API accepted over the last 15 minutes, in 10-second buckets of a ring buffer: what
 * the console's throughput chart draws. Counted in this process (each replica its own).
 */
@Injectable()
export class EventThroughput {
  private readonly counts = new Array<number>(WINDOW_BUCKETS).fill(0);
  /** The bucket number (time / BUCKET_MS) each slot of the ring last counted. */
  private readonly slots = new Array<number>(WINDOW_BUCKETS).fill(-1);

  constructor(private readonly now: () => number = Date.now) {}

  get bucketSeconds(): number {
    return BUCKET_MS / 1000;
  }

  accepted(count: number): void {
    if (count <= 0) return;
    const bucket = Math.floor(this.now() / BUCKET_MS);
    const slot = bucket % WINDOW_BUCKETS;
    if (this.slots[slot] !== bucket) [this.slots[slot], this.counts[slot]] = [bucket, 0];
    this.counts[slot] += count;
  }

  /** Oldest first, one point per bucket of the window, the current (partial) bucket last. */
  series(): ThroughputPoint[] {
    const current = Math.floor(this.now() / BUCKET_MS);
    return Array.from({ length: WINDOW_BUCKETS }, (_, i) => {
      const bucket = current - WINDOW_BUCKETS + 1 + i;
      const slot = bucket % WINDOW_BUCKETS;
      return {
        at: new Date(bucket * BUCKET_MS).toISOString(),
        events: this.slots[slot] === bucket ? this.counts[slot] : 0,
      };
    });
  }
}

/** One counter for the whole API: the events service counts, the console reads. */
@Global()
@Module({
  providers: [{ provide: EventThroughput, useFactory: () => new EventThroughput() }],
  exports: [EventThroughput],
})
export class EventThroughputModule {}
