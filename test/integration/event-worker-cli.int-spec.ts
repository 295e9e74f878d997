import { getJson, makeEvent, spawnApp, waitFor } from '@app/testing';
import { EventAppHandle, request, startEventApp, TEST_RETRY_DELAYS_MS } from './event-pipeline.harness';

/** The worker command as real child processes: N consumers, JSON logs, a clean drain on SIGTERM. */
describe('event worker CLI', () => {
  jest.setTimeout(120_000);
  let api: EventAppHandle;
  let workerEnv: Record<string, string>;
  const entry = 'apps/event-ingest/src/worker/main.ts';

  beforeAll(async () => {
    api = await startEventApp({ EVENT_PROCESSORS: 'none' });
    workerEnv = {
      ADMIN_TOKEN: '', // workers and the DLQ command line have no admin endpoints and need no token
      EVENTS_TOPOLOGY_PREFIX: api.scope,
      EVENT_RETRY_DELAYS_MS: TEST_RETRY_DELAYS_MS.join(','),
      LOG_LEVEL: 'log',
    };
  });

  afterAll(async () => {
    await api?.close();
  });

  it('runs N processes that consume the queue, with readiness probes, and drains and exits 0 on SIGTERM', async () => {
    const queue = `${api.scope}.neo4j`;
    const healthPort = 21000 + Math.floor(Math.random() * 20000);
    const worker = spawnApp(entry, workerEnv, [
      '--queue',
      'neo4j',
      '--workers',
      '2',
      '--prefetch',
      '50',
      '--health-port',
      String(healthPort),
    ]);
    try {
      await waitFor(async () => (await api.broker.consumers(queue)) === 2, {
        timeoutMs: 60_000,
        description: 'two consumers',
      });
      for (const port of [healthPort, healthPort + 1]) {
        const ready = await waitFor(
          async () => {
            const probe = await getJson(`http://127.0.0.1:${port}/health/ready`);
            return probe.status === 200 ? probe : null;
          },
          { description: `worker ready on ${port}` },
        );
        expect(Object.keys(ready.body.info).sort()).toEqual(['neo4j', 'rabbitmq']);
      }
      expect((await getJson(`http://127.0.0.1:${healthPort}/events`)).status).toBe(404);
      // Each worker's health port serves its metrics too: processor deliveries and the queue gauges.
      const metrics = await (await fetch(`http://127.0.0.1:${healthPort + 1}/metrics`)).text();
      expect(metrics).toContain(`event_ingest_queue_consumers{queue="${queue}",role="sink"} 2`);
      expect(metrics).toMatch(/^# TYPE event_ingest_delivery_duration_seconds histogram$/m);
      const user = `${api.scope}-u-cli`;
      const events = Array.from({ length: 200 }, (_, i) =>
        makeEvent(api.scope, { user_id: user, product_id: `${api.scope}-p${i % 10}` }),
      );
      expect((await request('POST', `${api.base}/events/batch`, { events })).status).toBe(202);
      // SIGTERM while events are still arriving: whatever was taken is written and acked, the rest stays queued.
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      const written = await api.graph.processed(events.map((e) => e.event_id));
      expect(written + (await api.broker.depth(queue))).toBe(200);
      expect(await api.broker.consumers(queue)).toBe(0);

      const logs = worker
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'));
      expect(logs.map((line) => JSON.parse(line).message?.msg)).toEqual(
        expect.arrayContaining(['worker consuming', 'draining', 'drained, exiting']),
      );
    } finally {
      worker.child.kill('SIGKILL');
    }
  });

  it('finishes the queue when run again, and lists and replays the DLQ from the command line', async () => {
    const worker = spawnApp(entry, workerEnv, ['--queue', 'all', '--workers', '1']);
    try {
      await waitFor(
        async () =>
          worker.output().includes('worker consuming') && (await api.broker.depth(`${api.scope}.neo4j`)) === 0,
        {
          timeoutMs: 60_000,
          description: 'neo4j queue drained',
        },
      );
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
    await api.broker.publish('', `${api.scope}.dlq`, JSON.stringify(makeEvent(api.scope)), {
      headers: { 'x-original-queue': `${api.scope}.neo4j` },
    });
    const list = spawnApp(entry, workerEnv, ['dlq', 'list']);
    expect(await list.exited).toBe(0);
    expect(JSON.parse(list.output().slice(list.output().indexOf('{')))).toMatchObject({
      messages: [expect.objectContaining({ headers: expect.any(Object) })],
    });
    const replay = spawnApp(entry, workerEnv, ['dlq', 'replay']);
    expect(await replay.exited).toBe(0);
    expect(replay.output()).toContain('"replayed": 1');
    expect(await api.broker.depth(`${api.scope}.neo4j`)).toBe(1);
  });

  it('refuses a bad command line with the usage and exit code 64', async () => {
    const bad = spawnApp(entry, workerEnv, ['--queue', 'mongo']);
    expect(await bad.exited).toBe(64);
    expect(bad.output()).toContain('usage:');
  });
});
