import { randomUUID } from 'node:crypto';

export interface TestEvent {
  event_id?: string;
  user_id: string | number;
  product_id: string | number;
  event_type: 'view' | 'cart' | 'remove_from_cart' | 'purchase';
  user_session: string;
  timestamp?: string;
  price?: number;
  category?: string;
}

/** A valid POST /events body whose ids start with `scope`, so a spec can find and delete its data. */
export function makeEvent(scope: string, overrides: Partial<TestEvent> = {}): TestEvent & { event_id: string } {
  return {
    event_id: `${scope}-e-${randomUUID()}`,
    user_id: `${scope}-u1`,
    product_id: `${scope}-p1`,
    event_type: 'view',
    user_session: `${scope}-s1`,
    timestamp: new Date().toISOString(),
    ...overrides,
  } as TestEvent & { event_id: string };
}
