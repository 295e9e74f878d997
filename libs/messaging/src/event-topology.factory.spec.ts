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
    queueKind: { type: 'quorum', deliveryLimit: 20 },
  };
  const topology = buildEventTopology(settings);
  const queue = (name: string) => topology.queues.find((q) => q.name === name)!;

  it('binds both sink queues to the fanout as quorum queues: TTL, refusing publishes when full, at-least-once dead-lettering, a delivery limit', () => {
    for (const name of ['events.neo4j', 'events.qdrant']) {
      expect(queue(name)).toMatchObject({
        exchange: 'events',
        routingKey: '',
        options: {
          durable: true,
          arguments: {
            'x-queue-type': 'quorum',
            'x-message-ttl': 60_000,
            'x-max-length': 100,
            'x-overflow': 'reject-publish',
            'x-dead-letter-exchange': 'events.dlx',
            'x-dead-letter-strategy': 'at-least-once',
            'x-delivery-limit': 20,
          },
        },
      });
    }
    expect(queue('events.dlq')).toEqual({
      name: 'events.dlq',
      exchange: 'events.dlx',
      routingKey: '',
      options: { durable: true, arguments: { 'x-queue-type': 'quorum' } },
    });
  });

  it('keeps classic queues when asked, still refusing publishes when full', () => {
    const classic = buildEventTopology({ ...settings, queueKind: { type: 'classic', deliveryLimit: 20 } });
    expect(classic.queues.find((q) => q.name === 'events.neo4j')!.options!.arguments).toEqual({
      'x-message-ttl': 60_000,
      'x-max-length': 100,
      'x-overflow': 'reject-publish',
      'x-dead-letter-exchange': 'events.dlx',
    });
  });

  it('sends retried messages back to their own sink queue only, never through the fanout', () => {
    expect(queue('events.qdrant.retry.30000ms')).toEqual({
      name: 'events.qdrant.retry.30000ms',
      options: {
        durable: true,
        arguments: {
          'x-queue-type': 'quorum',
          'x-message-ttl': 30000,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': 'events.qdrant',
          'x-overflow': 'reject-publish',
          'x-dead-letter-strategy': 'at-least-once',
        },
      },
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
