import { makeEvent, TcpOutageProxy, serviceUrls, waitFor } from '@app/testing';
import { EventAppHandle, request, startEventApp } from './event-pipeline.harness';

/** USE_RABBITMQ=false (the fallback without a broker): the request writes to Neo4j itself and answers 201. */
describe('event-ingest without RabbitMQ', () => {
  jest.setTimeout(60_000);
  const neo4j = new TcpOutageProxy('127.0.0.1', 7687);
  let handle: EventAppHandle;

  beforeAll(async () => {
    await neo4j.start();
    // No broker at all: a refused port proves the app does not try to use one.
    handle = await startEventApp({
      USE_RABBITMQ: 'false',
      RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1',
      NEO4J_URI: neo4j.url(serviceUrls.neo4j),
    });
  });

  afterAll(async () => {
    await handle?.close();
    await neo4j.stop();
  });

  it('is ready with Neo4j alone', async () => {
    const ready = await waitFor(async () => {
      const probe = await request('GET', `${handle.base}/health/ready`);
      return probe.status === 200 ? probe : null;
    });
    expect(Object.keys(ready.body.info)).toEqual(['neo4j']);
  });

  it('answers 201 after the graph write, idempotently', async () => {
    const user = `${handle.scope}-u-direct`;
    const event = makeEvent(handle.scope, { user_id: user, event_type: 'purchase' });
    expect(await request('POST', `${handle.base}/events`, event)).toMatchObject({
      status: 201,
      body: { event_id: event.event_id },
    });
    expect((await request('POST', `${handle.base}/events`, event)).status).toBe(201);
    expect(await handle.graph.interactions(user)).toEqual([expect.objectContaining({ type: 'PURCHASED', count: 1 })]);

    const batch = Array.from({ length: 10 }, () => makeEvent(handle.scope, { user_id: user, event_type: 'view' }));
    expect(await request('POST', `${handle.base}/events/batch`, { events: batch })).toMatchObject({
      status: 201,
      body: { accepted: 10 },
    });
    expect(await handle.graph.interactions(user)).toEqual([
      expect.objectContaining({ type: 'PURCHASED', count: 1 }),
      expect.objectContaining({ type: 'VIEWED', count: 10 }),
    ]);
  });

  it('answers 503 with Retry-After while Neo4j is unreachable', async () => {
    neo4j.cut();
    try {
      const response = await request('POST', `${handle.base}/events`, makeEvent(handle.scope));
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
    } finally {
      neo4j.restore();
    }
  });

  it('has no RabbitMQ admin endpoints', async () => {
    expect((await request('GET', `${handle.base}/rabbitmq/health`)).status).toBe(404);
  });

  it('counts the events it wrote in /metrics, and exports no broker gauges: there is no broker to read or to be down', async () => {
    const text = await (await fetch(`${handle.base}/metrics`)).text();
    expect(text).toMatch(/^event_ingest_events_accepted_total [1-9]\d*$/m);
    expect(text).toMatch(/^event_ingest_events_refused_total\{reason="unavailable"\} [1-9]\d*$/m);
    expect(text).not.toContain('event_ingest_broker_up');
    expect(text).not.toContain('event_ingest_queue_messages');
  });
});
