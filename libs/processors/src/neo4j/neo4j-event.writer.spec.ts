import 'reflect-metadata';
import { EventMessage } from '@app/contracts';
import { toRows } from './neo4j-event.writer';

const event = (id: string, user: string, product: string): EventMessage => ({
  event_id: id,
  user_id: user,
  product_id: product,
  event_type: 'view',
  user_session: 's',
  timestamp: '2024-01-01T00:00:00.000Z',
});

describe('toRows', () => {
  it('drops repeated event ids and sorts by user then product (one lock order for all batches)', () => {
    const rows = toRows([
      event('a', 'u2', 'p1'),
      event('b', 'u1', 'p2'),
      event('a', 'u2', 'p1'),
      event('c', 'u1', 'p1'),
    ]);
    expect(rows.map((row) => row.event_id)).toEqual(['c', 'b', 'a']);
    expect(rows[0]).toMatchObject({ price: null, category: null });
  });
});
