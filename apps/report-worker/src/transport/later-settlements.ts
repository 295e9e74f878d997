/**
 * A handler that answers with a stream (progress, then the final answer) returns before its
 * delivery is settled. It records here when the delivery will be; the server waits for that
 * before it counts the delivery done, so draining on shutdown still waits for it.
 */
const settlements = new WeakMap<object, Promise<unknown>>();

export function settlesLater(message: object, settled: Promise<unknown>): void {
  settlements.set(message, settled);
}

/** Resolves once the delivery's handler has settled it (at once for a handler that settled before returning). */
export async function settledOf(message: object): Promise<void> {
  await settlements.get(message)?.catch(() => undefined);
  settlements.delete(message);
}
