import { userPointId } from '@app/processors';
import {
  EventBrokerFixture,
  EventGraphProbe,
  FakeQdrantServer,
  getJson,
  makeEvent,
  spawnApp,
  uniqueName,
  waitFor,
} from '@app/testing';

/**
 * Production shape, checked from the outside: the API (main.ts) and a worker (worker/main.ts,
 * --queue all) as their own processes, the real RabbitMQ and Neo4j, Qdrant's fake.
 */
describe('event pipeline, API and worker processes', () => {
  jest.setTimeout(120_000);
  const scope = uniqueName('e2e-evt').replace(/_/g, '-');
  const port = 20000 + Math.floor(Math.random() * 10000);
  const qdrant = new FakeQdrantServer();
  const graph = new EventGraphProbe();
  let env: Record<string, string>;
  let api: ReturnType<typeof spawnApp>;
  let worker: ReturnType<typeof spawnApp>;

  beforeAll(async () => {
    await qdrant.start();
    env = {
      EVENTS_TOPOLOGY_PREFIX: scope,
      QDRANT_URL: qdrant.url,
      QDRANT_VECTOR_SIZE: '3',
      PORT: String(port),
      LOG_LEVEL: 'warn',
    };
    api = spawnApp('apps/event-ingest/src/main.ts', env);
    worker = spawnApp('apps/event-ingest/src/worker/main.ts', env, ['--queue', 'all', '--workers', '1']);
    await waitFor(async () => (await getJson(`http://127.0.0.1:${port}/health/ready`)).status === 200, {
      timeoutMs: 90_000,
      description: 'API ready',
    });
  });

  afterAll(async () => {
    for (const child of [api, worker]) child?.child.kill('SIGKILL');
    const broker = await new EventBrokerFixture().open();
    await broker.deleteTopology(scope, [5000, 30000, 300000]);
    await broker.close();
    await graph.cleanup(scope);
    await graph.close();
    await qdrant.stop();
  });

  it('takes an event over HTTP into Neo4j and Qdrant, then both processes stop cleanly', async () => {
    const event = makeEvent(scope, { user_id: `${scope}-u`, event_type: 'purchase' });
    const response = await fetch(`http://127.0.0.1:${port}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(response.status).toBe(202);
    await waitFor(async () => (await graph.processed([event.event_id])) === 1, {
      timeoutMs: 60_000,
      description: 'in Neo4j',
    });
    await waitFor(() => qdrant.point('user_profiles', userPointId(`${scope}-u`)), {
      timeoutMs: 30_000,
      description: 'in Qdrant',
    });
    expect(qdrant.rejected()).toEqual([]);

    worker.child.kill('SIGTERM');
    api.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(await api.exited).toBe(0);
  });
});
