import 'reflect-metadata';
import { originOf } from './queue-admin.service';

describe('originOf', () => {
  it('prefers the pipeline\'s x-original-queue header', () => {
    expect(originOf({ properties: { headers: { 'x-original-queue': 'events.qdrant', 'x-death': [{ queue: 'events.neo4j' }] } } } as never)).toBe('events.qdrant');
  });

  it('falls back to the broker\'s x-death record (TTL and overflow casualties)', () => {
    expect(originOf({ properties: { headers: { 'x-death': [{ queue: 'events.neo4j', reason: 'expired' }] } } } as never)).toBe('events.neo4j');
  });

  it('knows no origin for a message published to the DLQ by hand', () => {
    expect(originOf({ properties: { headers: {} } } as never)).toBeUndefined();
  });
});
