import { makeEvent, serviceUrls, spawnApp, TcpOutageProxy, waitFor } from '@app/testing';
import { EventAppHandle, request, startEventApp, TEST_RETRY_DELAYS_MS } from './event-pipeline.harness';

/**
 * A worker process holding deliveries when its broker connection drops: the batch it holds is
 * written after the channel closed, so its acks cannot be sent. The worker must stay up, take the
 * redelivered events again when the broker is back, and write each event once in the graph.
 */
describe('event worker through a broker disconnect while it holds deliveries', () => {
  jest.setTimeout(120_000);
  const broker = new TcpOutageProxy('127.0.0.1', Number(new URL(serviceUrls.rabbitmq).port || 5672));
  const neo4j = new TcpOutageProxy('127.0.0.1', Number(new URL(serviceUrls.neo4j).port || 7687));
  let api: EventAppHandle;

  beforeAll(async () => {
    await Promise.all([broker.start(), neo4j.start()]);
    api = await startEventApp({ EVENT_PROCESSORS: 'none' });
  });

  afterAll(async () => {
    await api?.close();
    await Promise.all([broker.stop(), neo4j.stop()]);
  });

  it('survives acks on a closed channel and writes every event once after reconnecting', async () => {
    const queue = `${api.scope}.neo4j`;
    const worker = spawnApp(
      'apps/event-ingest/src/worker/main.ts',
      {
        ADMIN_TOKEN: '',
        EVENTS_TOPOLOGY_PREFIX: api.scope,
        EVENT_RETRY_DELAYS_MS: TEST_RETRY_DELAYS_MS.join(','),
        RABBITMQ_URL: broker.url(serviceUrls.rabbitmq),
        NEO4J_URI: neo4j.url(serviceUrls.neo4j),
        LOG_LEVEL: 'log',
      },
      ['--queue', 'neo4j', '--workers', '1', '--prefetch', '50'],
    );
    try {
      await waitFor(async () => (await api.broker.consumers(queue)) === 1, {
        timeoutMs: 60_000,
        description: 'worker consuming',
      });
      neo4j.cut();
      const user = `${api.scope}-u-blip`;
      const events = Array.from({ length: 20 }, (_, i) =>
        makeEvent(api.scope, { user_id: user, product_id: `${api.scope}-p${i % 4}` }),
      );
      expect((await request('POST', `${api.base}/events/batch`, { events })).status).toBe(202);
      await waitFor(() => worker.output().includes('store unreachable; holding the batch'), {
        timeoutMs: 30_000,
        description: 'batch held',
      });

      broker.cut(); // the broker takes the 20 deliveries back; the worker still holds its batch
      neo4j.restore(); // the held batch is written now, and its acks meet a closed channel
      await waitFor(async () => (await api.graph.processed(events.map((e) => e.event_id))) === 20, {
        timeoutMs: 30_000,
        description: 'batch written',
      });
      broker.restore();

      await waitFor(async () => (await api.broker.consumers(queue)) === 1 && (await api.broker.depth(queue)) === 0, {
        timeoutMs: 60_000,
        description: 'worker reconnected and took the redelivered events',
      });
      // Redelivered events are written again, idempotently: each counted once per product.
      await waitFor(async () => (await api.graph.interactions(user)).reduce((sum, row) => sum + row.count, 0) === 20, {
        timeoutMs: 30_000,
        description: 'graph holds the 20 interactions',
      });
      expect((await api.graph.interactions(user)).map((row) => row.count)).toEqual([5, 5, 5, 5]);
      expect(worker.output()).not.toContain('worker exited');
      expect(worker.child.exitCode).toBeNull();
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  });
});
