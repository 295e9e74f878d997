import 'reflect-metadata';
import { EventMessage } from '@app/contracts';
import { applyEvents, emptyProfile, REMEMBERED_EVENT_IDS } from './user-profile';

const event = (id: string, type: EventMessage['event_type'], timestamp = '2024-01-01T00:00:00.000Z'): EventMessage => ({
  event_id: id,
  user_id: 'u1',
  product_id: 'p1',
  event_type: type,
  user_session: 's',
  timestamp,
});

describe('applyEvents', () => {
  it('counts each event once, however often it is delivered', () => {
    const profile = emptyProfile('u1');
    expect(applyEvents(profile, [event('e1', 'view'), event('e1', 'view')], new Map())).toBe(true);
    expect(applyEvents(profile, [event('e1', 'view')], new Map())).toBe(false);
    expect(profile.payload.counts).toEqual({ view: 1, cart: 0, remove_from_cart: 0, purchase: 0 });
  });

  it('keeps the latest event as last_event even when events arrive out of order', () => {
    const profile = emptyProfile('u1');
    applyEvents(profile, [event('e2', 'purchase', '2024-01-02T00:00:00.000Z')], new Map());
    applyEvents(profile, [event('e1', 'view', '2024-01-01T00:00:00.000Z')], new Map());
    expect(profile.payload).toMatchObject({ last_event_at: '2024-01-02T00:00:00.000Z', last_event_type: 'purchase' });
  });

  it('moves the vector only for products with a vector', () => {
    const profile = emptyProfile('u1');
    applyEvents(profile, [event('e1', 'cart')], new Map());
    expect(profile.vector).toBeNull();
    applyEvents(profile, [event('e2', 'cart')], new Map([['p1', [0, 2]]]));
    expect(profile.vector).toEqual([0, 1]);
  });

  it('remembers a bounded number of event ids', () => {
    const profile = emptyProfile('u1');
    applyEvents(
      profile,
      Array.from({ length: REMEMBERED_EVENT_IDS + 5 }, (_, i) => event(`e${i}`, 'view')),
      new Map(),
    );
    expect(profile.payload.processed_event_ids).toHaveLength(REMEMBERED_EVENT_IDS);
  });
});
