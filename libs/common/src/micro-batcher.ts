export interface MicroBatcherOptions {
  /** Largest batch handed to `flush`. */
  maxBatchSize: number;
  /** Batches in flight at once; more items wait and are flushed together afterwards. */
  maxConcurrency: number;
}

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items added while a flush is running are collected and flushed together when it
 * ends. At low load each item is written almost at once (one event-loop turn later, so
 * deliveries parsed from the same socket read share a batch); under load batches grow up to
 * maxBatchSize by themselves. Unlike a size-or-idle-timeout batcher, latency never waits for a
 * batch to fill. `flush` returns one result per item, in order.
 */
export class MicroBatcher<T, R> {
  private pending: Pending<T, R>[] = [];
  private inFlight = 0;
  private inFlightItems = 0;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly options: MicroBatcherOptions,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting or being written. */
  get size(): number {
    return this.pending.length + this.inFlightItems;
  }

  /** Resolves once nothing is waiting or in flight (used to drain on shutdown). */
  idle(): Promise<void> {
    if (this.pending.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxConcurrency) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < this.options.maxConcurrency && this.pending.length > 0) {
      void this.run(this.pending.splice(0, this.options.maxBatchSize));
    }
  }

  private async run(batch: Pending<T, R>[]): Promise<void> {
    this.inFlight++;
    this.inFlightItems += batch.length;
    try {
      const results = await this.flush(batch.map((entry) => entry.item));
      batch.forEach((entry, index) => entry.resolve(results[index]));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      this.inFlight--;
      this.inFlightItems -= batch.length;
      if (this.pending.length > 0) this.schedule();
      else if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
    }
  }
}
