/** How one delivery of a sink queue ended: stored, sent to a retry queue or the DLQ, or handed back to the broker. */
export type EventDeliveryResult = 'written' | 'retry' | 'dead_letter' | 'requeue';

/** Told of every settled delivery (the app's metrics); optional, so a processor runs without one. */
export interface EventDeliveryObserver {
  delivered(queue: string, result: EventDeliveryResult, seconds: number): void;
}

export const EVENT_DELIVERY_OBSERVER = Symbol('EVENT_DELIVERY_OBSERVER');
