import 'reflect-metadata';
import { eventTopologyNames } from '@app/contracts';
import { buildEventTopology, EventTopologySettings } from './event-topology.factory';

describe('buildEventTopology', () => {
  const settings: EventTopologySettings = {
    names: eventTopologyNames('events'),
    messageTtlMs: 60_000,
    maxLength: 100,
    retryDelaysMs: [5000, 30000, 5000],
    sinks: ['neo4j', 'qdrant'],
  };
  const topology = buildEventTopology(settings);
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

  it('declares and binds only the chosen sinks, with their retry queues, and always the DLQ', () => {
    const neo4jOnly = buildEventTopology({ ...settings, sinks: ['neo4j'] });
    expect(neo4jOnly.queues.map((q) => q.name).sort()).toEqual([
      'events.dlq',
      'events.neo4j',
      'events.neo4j.retry.30000ms',
      'events.neo4j.retry.5000ms',
    ]);
    expect(neo4jOnly.queues.filter((q) => q.exchange === 'events').map((q) => q.name)).toEqual(['events.neo4j']);
    expect(neo4jOnly.exchanges.map((x) => x.name)).toEqual(['events', 'events.dlx']);

    const qdrantOnly = buildEventTopology({ ...settings, sinks: ['qdrant'] });
    expect(qdrantOnly.queues.filter((q) => q.exchange === 'events').map((q) => q.name)).toEqual(['events.qdrant']);
    expect(qdrantOnly.queues.some((q) => q.name!.startsWith('events.neo4j'))).toBe(false);
  });
});
