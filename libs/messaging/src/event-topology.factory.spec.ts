import 'reflect-metadata';
import { eventTopologyNames } from '@app/contracts';
import { buildEventTopology } from './event-topology.factory';

describe('buildEventTopology', () => {
  const topology = buildEventTopology({
    names: eventTopologyNames('events'),
    messageTtlMs: 60_000,
    maxLength: 100,
    retryDelaysMs: [5000, 30000, 5000],
  });
  const queue = (name: string) => topology.queues.find((q) => q.name === name)!;

  it('binds both sink queues to the fanout, with TTL, max length and the dead-letter exchange', () => {
    for (const name of ['events.neo4j', 'events.qdrant']) {
      expect(queue(name)).toMatchObject({
        exchange: 'events',
        routingKey: '',
        options: { durable: true, arguments: { 'x-message-ttl': 60_000, 'x-max-length': 100, 'x-dead-letter-exchange': 'events.dlx' } },
      });
    }
    expect(queue('events.dlq')).toMatchObject({ exchange: 'events.dlx' });
  });

  it('sends retried messages back to their own sink queue only, never through the fanout', () => {
    expect(queue('events.qdrant.retry.30000ms')).toEqual({
      name: 'events.qdrant.retry.30000ms',
      options: { durable: true, arguments: { 'x-message-ttl': 30000, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'events.qdrant' } },
    });
    expect(queue('events.qdrant.retry.30000ms').exchange).toBeUndefined();
  });

  it('declares one delay queue per distinct delay and sink', () => {
    expect(topology.queues.filter((q) => q.name!.includes('.retry.'))).toHaveLength(4);
  });
});
