import { userPointId } from '@app/processors';
import { FakeQdrantServer, makeEvent, serviceUrls, spawnApp, waitFor } from '@app/testing';
import { EventAppHandle, request, startEventApp, TEST_RETRY_DELAYS_MS } from './event-pipeline.harness';

const EVENTS = 300;

/**
 * A Qdrant profile update reads the user's point, changes it and writes it back, so two consumers
 * updating one user at the same moment would lose one update. The Qdrant queue therefore has a
 * single active consumer: extra worker processes wait as hot standbys.
 */
describe('Qdrant processor: one active consumer however many workers run', () => {
  jest.setTimeout(120_000);
  const qdrant = new FakeQdrantServer();
  let api: EventAppHandle;

  beforeAll(async () => {
    await qdrant.start();
    qdrant.collections.set('products', { vectors: { size: 4, distance: 'Cosine' }, points: new Map() });
    api = await startEventApp({ EVENT_PROCESSORS: 'none' });
  });

  afterAll(async () => {
    await api?.close();
    await qdrant.stop();
  });

  it('counts every event of one user exactly once with two worker processes, one consuming and one waiting', async () => {
    const queue = `${api.scope}.qdrant`;
    const worker = spawnApp(
      'apps/event-ingest/src/worker/main.ts',
      {
        ADMIN_TOKEN: '', // workers have no admin endpoints and need no token
        EVENTS_TOPOLOGY_PREFIX: api.scope,
        EVENT_RETRY_DELAYS_MS: TEST_RETRY_DELAYS_MS.join(','),
        QDRANT_URL: qdrant.url,
        QDRANT_VECTOR_SIZE: '4',
        EVENTS_BATCH_SIZE: '10', // small batches: many chances for two workers to interleave
        LOG_LEVEL: 'warn',
      },
      ['--queue', 'qdrant', '--workers', '2', '--prefetch', '20'],
    );
    try {
      await waitFor(async () => (await consumerStatuses(queue)).length === 2, {
        timeoutMs: 60_000,
        description: 'two consumers',
      });
      expect((await consumerStatuses(queue)).sort()).toEqual(['single_active', 'waiting']);

      const user = `${api.scope}-u-shared`;
      const events = Array.from({ length: EVENTS }, (_, i) =>
        makeEvent(api.scope, { user_id: user, product_id: `${api.scope}-p${i % 7}` }),
      );
      for (let i = 0; i < EVENTS; i += 100) {
        expect((await request('POST', `${api.base}/events/batch`, { events: events.slice(i, i + 100) })).status).toBe(
          202,
        );
      }
      await waitFor(async () => (await api.broker.depth(queue)) === 0, {
        timeoutMs: 60_000,
        description: 'queue drained',
      });
      await waitFor(() => countedEvents(user) === EVENTS, {
        timeoutMs: 30_000,
        description: `${EVENTS} events counted`,
      });
      expect(qdrant.point('user_profiles', userPointId(user))!.payload!.processed_event_ids).toHaveLength(EVENTS);
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  });

  function countedEvents(userId: string): number {
    const counts = (qdrant.point('user_profiles', userPointId(userId))?.payload?.counts ?? {}) as Record<
      string,
      number
    >;
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }
});

/** `activity_status` of each consumer of the queue, from the management API. */
async function consumerStatuses(queue: string): Promise<string[]> {
  const management = new URL(serviceUrls.rabbitmqManagement);
  const auth = Buffer.from(
    `${decodeURIComponent(management.username)}:${decodeURIComponent(management.password)}`,
  ).toString('base64');
  const response = await fetch(`${management.origin}/api/queues/%2F/${encodeURIComponent(queue)}`, {
    headers: { authorization: `Basic ${auth}` },
  });
  if (!response.ok) return [];
  const body = (await response.json()) as { consumer_details?: Array<{ activity_status?: string }> };
  return (body.consumer_details ?? []).map((consumer) => consumer.activity_status ?? 'unknown');
}
