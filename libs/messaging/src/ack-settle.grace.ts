/**
 * How long acks need to reach a quorum queue before their channel may close. RabbitMQ 3.10's
 * channel hands acks to a quorum queue asynchronously, holding back some when many are in flight,
 * and forgets those it still holds when the channel closes: the queue then puts the messages back
 * although they were processed and acked (of 100 deliveries acked at once just before a drained
 * worker closes, up to a quarter come round again).
 */
const ACK_SETTLE_GRACE_MS = 1000;

/**
 * Remembers when this consumer last settled a delivery, so that a shutdown waits for the broker to
 * take those acks before closing the channel, and does not wait at all when it has been idle.
 */
export class AckSettleGrace {
  private lastSettledAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly graceMs = ACK_SETTLE_GRACE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  settled(): void {
    this.lastSettledAt = this.now();
  }

  /** Milliseconds still to wait before the channel may close. */
  remainingMs(): number {
    return Math.max(0, this.lastSettledAt + this.graceMs - this.now());
  }

  async wait(): Promise<void> {
    const remaining = this.remainingMs();
    if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
  }
}
