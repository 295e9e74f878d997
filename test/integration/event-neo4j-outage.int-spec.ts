import { EventDeliveryProcessor, NEO4J_EVENTS_PROCESSOR } from '@app/processors';
import { makeEvent, serviceUrls, TcpOutageProxy, waitFor } from '@app/testing';
import { EventAppHandle, request, startEventApp } from './event-pipeline.harness';

/**
 * Neo4j unreachable for a while (the processor's path to it is cut, the shared server keeps
 * running): events wait, unacknowledged, then land once it is back. The broker retries (100 ms,
 * 200 ms, 300 ms here) would run out in well under a second; nothing reaches the DLQ.
 */
describe('Neo4j processor through a Neo4j outage', () => {
  jest.setTimeout(90_000);
  const neo4j = new TcpOutageProxy('127.0.0.1', 7687);
  let handle: EventAppHandle;

  beforeAll(async () => {
    await neo4j.start();
    handle = await startEventApp({ EVENT_PROCESSORS: 'neo4j', NEO4J_URI: neo4j.url(serviceUrls.neo4j) });
    await waitFor(async () => (await request('GET', `${handle.base}/health/ready`)).status === 200, {
      description: 'ready',
    });
  });

  afterAll(async () => {
    neo4j.restore();
    await handle?.close();
    await neo4j.stop();
  });

  it('holds the events while Neo4j is away and writes them when it returns', async () => {
    const { scope } = handle;
    const user = `${scope}-u-outage`;
    neo4j.cut();
    await waitFor(async () => (await request('GET', `${handle.base}/health/ready`)).status === 503, {
      description: 'not ready',
    });

    const events = Array.from({ length: 20 }, (_, i) =>
      makeEvent(scope, { user_id: user, product_id: `${scope}-p${i % 4}` }),
    );
    expect((await request('POST', `${handle.base}/events/batch`, { events })).status).toBe(202);
    // The processor holds them (unacked) and keeps trying; three tries (each with the driver's
    // own 1 s of retries) take longer than all three broker retry delays together.
    const processor = handle.app.get<EventDeliveryProcessor>(NEO4J_EVENTS_PROCESSOR, { strict: false });
    await waitFor(() => processor.stats.outageRetries >= 3 && processor.stats.pending === 20, {
      timeoutMs: 30_000,
      description: 'batch held',
    });
    expect(await handle.broker.depth(`${scope}.dlq`)).toBe(0);
    expect(await handle.broker.depth(`${scope}.neo4j`)).toBe(0);
    expect(await neo4jIsDown()).toBe(true);

    neo4j.restore();
    await waitFor(async () => (await handle.graph.processed(events.map((e) => e.event_id))) === 20, {
      timeoutMs: 30_000,
      description: 'all 20 events written after the outage',
    });
    const rows = await handle.graph.interactions(user);
    expect(rows.map((row) => row.count)).toEqual([5, 5, 5, 5]);
    expect(await handle.broker.depth(`${scope}.dlq`)).toBe(0);
  });

  const neo4jIsDown = async () =>
    (await request('GET', `${handle.base}/health/ready`)).body.error?.neo4j?.status === 'down';
});
