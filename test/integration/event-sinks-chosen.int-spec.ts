import { eventTopologyNames } from '@app/contracts';
import { sinkQueueOptions } from '@app/messaging';
import { AppProcess, EventBrokerFixture, makeEvent, spawnApp, uniqueName, waitFor } from '@app/testing';
import { ADMIN_TOKEN, EventAppHandle, request, startEventApp, TEST_RETRY_DELAYS_MS } from './event-pipeline.harness';

const WORKER = 'apps/event-ingest/src/worker/main.ts';

/** The exit code, or 'still running' when the process has not ended within `ms`. */
async function exitWithin(app: AppProcess, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const running = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still running'), ms)));
  try {
    return await Promise.race([app.exited, running]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitUntilReady(base: string): Promise<void> {
  await waitFor(async () => (await request('GET', `${base}/health/ready`)).status === 200, {
    description: 'API ready',
  });
}

/** EVENT_SINKS=neo4j, as `npm start` runs it: no Qdrant worker, so no Qdrant queue to fill. */
describe('event sinks chosen by EVENT_SINKS', () => {
  jest.setTimeout(120_000);
  let api: EventAppHandle;
  let scope: string;
  let workerEnv: Record<string, string>;

  beforeAll(async () => {
    api = await startEventApp({ EVENT_SINKS: 'neo4j', EVENT_PROCESSORS: 'none' });
    scope = api.scope;
    workerEnv = {
      ADMIN_TOKEN: '',
      EVENTS_TOPOLOGY_PREFIX: scope,
      EVENT_RETRY_DELAYS_MS: TEST_RETRY_DELAYS_MS.join(','),
      EVENT_SINKS: 'neo4j',
    };
    await waitUntilReady(api.base);
  });

  afterAll(async () => {
    await api?.close();
  });

  it('declares and binds only the chosen sink queue and its retry queues', async () => {
    const event = makeEvent(scope);
    expect((await request('POST', `${api.base}/events`, event)).status).toBe(202);

    expect(await api.broker.depth(`${scope}.neo4j`)).toBe(1);
    expect(await api.broker.exists(`${scope}.neo4j.retry.${TEST_RETRY_DELAYS_MS[0]}ms`)).toBe(true);
    expect(await api.broker.exists(`${scope}.qdrant`)).toBe(false);
    for (const delay of TEST_RETRY_DELAYS_MS)
      expect(await api.broker.exists(`${scope}.qdrant.retry.${delay}ms`)).toBe(false);
    expect((await request('GET', `${api.base}/rabbitmq/queues/qdrant`)).status).toBe(404);
  });

  it('reports a chosen sink queue without a consumer on /rabbitmq/health, stays ready, and is ok once a worker consumes', async () => {
    const degraded = await request('GET', `${api.base}/rabbitmq/health`);
    expect(degraded).toMatchObject({
      status: 200,
      body: {
        status: 'degraded',
        exchange: scope,
        sinks: { [`${scope}.neo4j`]: { consumers: 0, messages: 1, status: 'no consumer' } },
      },
    });
    expect(Object.keys(degraded.body.sinks)).toEqual([`${scope}.neo4j`]);
    expect((await request('GET', `${api.base}/health/ready`)).status).toBe(200);

    const worker = spawnApp(WORKER, workerEnv, ['--queue', 'neo4j', '--workers', '1']);
    try {
      await waitFor(async () => (await api.broker.consumers(`${scope}.neo4j`)) === 1, {
        timeoutMs: 60_000,
        description: 'a neo4j consumer',
      });
      const ok = await waitFor(
        async () => {
          const health = await request('GET', `${api.base}/rabbitmq/health`);
          return health.body.status === 'ok' ? health : null;
        },
        { description: 'health ok' },
      );
      expect(ok.body.sinks[`${scope}.neo4j`]).toMatchObject({ consumers: 1, status: 'consuming' });
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  });

  it('refuses at boot, with exit code 78, a worker for a sink outside EVENT_SINKS', async () => {
    const worker = spawnApp(WORKER, workerEnv, ['--queue', 'qdrant', '--workers', '1']);
    try {
      expect(await exitWithin(worker, 60_000)).toBe(78);
      expect(worker.output()).toContain('Invalid setting EVENT_PROCESSORS (got "qdrant")');
      expect(worker.output()).toContain('not in EVENT_SINKS (neo4j)');
      expect(await api.broker.exists(`${scope}.qdrant`)).toBe(false);
    } finally {
      // SIGTERM, not SIGKILL: the supervisor passes it on, so no worker child outlives the spec.
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
      await worker.exited;
    }
  });
});

/** A deployment that ran both sinks drops Qdrant: its queue stops receiving, what it holds stays. */
describe('a sink removed from EVENT_SINKS', () => {
  jest.setTimeout(60_000);
  const scope = uniqueName('evt').replace(/_/g, '-');
  const retired = `${scope}.qdrant`;
  const queueSettings = { EVENTS_MESSAGE_TTL_MS: '600000', EVENTS_MAX_LENGTH: '10000' };
  let api: EventAppHandle;
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  beforeAll(async () => {
    // The queue exactly as the earlier deployment declared it, bound and holding one event.
    const earlier = await new EventBrokerFixture().open();
    const options = sinkQueueOptions(
      {
        names: eventTopologyNames(scope),
        messageTtlMs: 600_000,
        maxLength: 10_000,
        retryDelaysMs: TEST_RETRY_DELAYS_MS,
        sinks: ['neo4j', 'qdrant'],
        queueKind: { type: 'quorum', deliveryLimit: 20 }, // the shipped defaults
      },
      'qdrant',
    );
    await earlier.declareBoundQueue(scope, retired, options);
    await earlier.publish(scope, '', JSON.stringify(makeEvent(scope)));
    await earlier.close();

    api = await startEventApp({ ...queueSettings, EVENT_SINKS: 'neo4j', EVENT_PROCESSORS: 'none' }, {}, scope);
    await waitUntilReady(api.base);
  });

  afterAll(async () => {
    await api?.close();
  });

  it('unbinds its queue from the fanout at start-up, keeps its messages and lists it on /rabbitmq/health', async () => {
    expect((await request('POST', `${api.base}/events`, makeEvent(scope))).status).toBe(202);
    expect(await api.broker.depth(`${scope}.neo4j`)).toBe(1);
    expect(await api.broker.depth(retired)).toBe(1);

    const health = await request('GET', `${api.base}/rabbitmq/health`);
    expect(health.body.retired_sinks).toEqual({ [retired]: { consumers: 0, messages: 1 } });
    expect(Object.keys(health.body.sinks)).toEqual([`${scope}.neo4j`]);
  });

  it('leaves its dead letters in the DLQ on replay instead of sending them to a sink nobody runs', async () => {
    await api.broker.publish('', `${scope}.dlq`, JSON.stringify(makeEvent(scope)), {
      headers: { 'x-original-queue': retired },
    });
    const replay = await request('POST', `${api.base}/rabbitmq/dlq/replay`, undefined, admin);
    expect(replay.body).toEqual({ replayed: 0, skipped: 1 });
    // A quorum queue takes back the skipped letter (released by the channel's close) a moment after the answer.
    await waitFor(async () => (await api.broker.depth(`${scope}.dlq`)) === 1, {
      description: 'the letter back in the DLQ',
    });
    expect(await api.broker.depth(`${scope}.dlq`)).toBe(1);
    expect(await api.broker.depth(retired)).toBe(1);
  });
});
