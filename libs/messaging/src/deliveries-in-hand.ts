import { sharedAbortController } from '@app/common';
import { AckSettleGrace } from './ack-settle.grace';

/**
 * The deliveries a consumer's handler holds, for its drain on shutdown. Each counts from the
 * moment the handler takes it until the handler returns its outcome (the consumer acks or nacks
 * right after). drain() waits for them up to a deadline, then aborts `stopping`, so work still in
 * hand gives up and goes back to the broker, and lets the last acks reach the queue.
 */
export class DeliveriesInHand {
  private count = 0;
  private waiters: Array<() => void> = [];
  private readonly ackGrace = new AckSettleGrace();
  private readonly stop = sharedAbortController();

  /** Aborted once a drain's deadline has passed. */
  get stopping(): AbortSignal {
    return this.stop.signal;
  }

  get size(): number {
    return this.count;
  }

  /** Runs one delivery's handling, counted while it runs. */
  async hold<T>(handle: () => Promise<T>): Promise<T> {
    this.count++;
    try {
      return await handle();
    } finally {
      this.ackGrace.settled();
      if (--this.count === 0) this.waiters.splice(0).forEach((wake) => wake());
    }
  }

  async drain(deadlineMs: number): Promise<void> {
    // A delivery reaches its handler a few promise hops after amqplib dispatched it (Nest's pipes
    // run first); one event-loop turn lets every dispatched delivery be counted.
    await new Promise((resolve) => setImmediate(resolve));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)));
    await Promise.race([this.settled(), deadline]);
    clearTimeout(timer);
    this.stop.abort();
    await this.settled();
    await this.ackGrace.wait();
  }

  private settled(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
