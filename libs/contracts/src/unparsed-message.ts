/**
 * A message body the consumer refused to parse. It stands in for the body all the way to
 * validation, which refuses it with `problem`, so such a request is dead-lettered and answered
 * like any other invalid one, its text never decoded.
 */
export abstract class UnparsedMessage {
  abstract get problem(): string;
}

/**
 * A request delivered as often as the request queue allows without ever being settled: it stopped
 * every worker that took it. The last delivery is dead-lettered by the worker (its body sealed)
 * instead of being tried once more; the broker's own dead-lettering at the limit would keep the
 * body as it came.
 */
export class PoisonMessage extends UnparsedMessage {
  constructor(readonly deliveries: number) {
    super();
  }

  /** The stand-in for a delivery the broker has handed out `deliveryLimit` times before, else undefined. */
  static check(
    headers: Record<string, unknown> | undefined,
    deliveryLimit: number | undefined,
  ): PoisonMessage | undefined {
    const count = Number(headers?.['x-delivery-count'] ?? 0);
    return deliveryLimit !== undefined && Number.isInteger(count) && count >= deliveryLimit
      ? new PoisonMessage(count + 1)
      : undefined;
  }

  get problem(): string {
    return `poison: delivered ${this.deliveries} times without being settled (it stopped every worker that took it); not parsed`;
  }
}
