import { userPointId } from '@app/processors';
import { Logger } from '@nestjs/common';
import { FakeQdrantServer, makeEvent, waitFor } from '@app/testing';
import { ADMIN_TOKEN, EventAppHandle, request, startEventApp } from './event-pipeline.harness';

/**
 * The whole pipeline in one process (EVENT_PROCESSORS=all): API → RabbitMQ → Neo4j (real) and
 * Qdrant (the fake, which checks every request's shape).
 */
describe('event pipeline → Neo4j and Qdrant', () => {
  jest.setTimeout(60_000);
  const qdrant = new FakeQdrantServer();
  let handle: EventAppHandle;
  let scope: string;
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  beforeAll(async () => {
    await qdrant.start();
    // The catalogue: product p1 points along the first axis.
    qdrant.collections.set('products', { vectors: { size: 4, distance: 'Cosine' }, points: new Map() });
    handle = await startEventApp({ EVENT_PROCESSORS: 'all', QDRANT_URL: qdrant.url, QDRANT_VECTOR_SIZE: '4' });
    scope = handle.scope;
    qdrant.putPoint('products', { id: 1001, vector: [1, 0, 0, 0], payload: {} });
    await waitFor(async () => (await request('GET', `${handle.base}/health/ready`)).status === 200, {
      description: 'ready',
    });
  });

  afterAll(async () => {
    await handle?.close();
    await qdrant.stop();
  });

  afterEach(() => {
    qdrant.failWith = undefined;
    expect(qdrant.rejected()).toEqual([]);
  });

  const profile = (userId: string) => qdrant.point('user_profiles', userPointId(userId));
  const post = (body: unknown) => request('POST', `${handle.base}/events`, body);

  it('carries an event from POST /events into the graph and the user profile', async () => {
    const user = `${scope}-u-flow`;
    const view = makeEvent(scope, {
      user_id: user,
      product_id: '1001',
      event_type: 'view',
      price: 9.5,
      category: 'audio',
    });
    const purchase = makeEvent(scope, { user_id: user, product_id: '1001', event_type: 'purchase' });
    expect((await post(view)).status).toBe(202);
    expect((await post(purchase)).status).toBe(202);

    const rows = await waitFor(
      async () => ((await handle.graph.interactions(user)).length === 2 ? handle.graph.interactions(user) : null),
      {
        description: 'two relationships',
      },
    );
    expect(rows).toEqual([
      expect.objectContaining({ type: 'PURCHASED', product_id: '1001', count: 1 }),
      expect.objectContaining({ type: 'VIEWED', product_id: '1001', count: 1, last_session: view.user_session }),
    ]);
    const point = await waitFor(
      () => ((profile(user)?.payload.counts as Record<string, number>)?.purchase === 1 ? profile(user) : null),
      {
        description: 'profile with the purchase',
      },
    );
    expect(point.payload).toMatchObject({
      user_id: user,
      counts: { view: 1, purchase: 1, cart: 0 },
      last_event_type: 'purchase',
    });
    expect((point.vector as { preference: number[] }).preference[0]).toBeCloseTo(1, 6);
  });

  it('writes a batch of 300 events', async () => {
    const user = `${scope}-u-batch`;
    const events = Array.from({ length: 300 }, (_, i) =>
      makeEvent(scope, { user_id: user, product_id: `${scope}-p${i % 30}`, event_type: 'cart' }),
    );
    expect((await request('POST', `${handle.base}/events/batch`, { events })).status).toBe(202);
    await waitFor(async () => (await handle.graph.processed(events.map((e) => e.event_id))) === 300, {
      description: '300 receipts',
    });
    const rows = await handle.graph.interactions(user);
    expect(rows).toHaveLength(30);
    expect(rows.every((row) => row.type === 'ADDED_TO_CART' && row.count === 10)).toBe(true);
    await waitFor(() => (profile(user)?.payload.counts as Record<string, number>)?.cart === 300, {
      description: 'profile counts 300 carts',
    });
  });

  it('counts an event sent twice (same event_id) once, in both sinks', async () => {
    const user = `${scope}-u-dup`;
    const event = makeEvent(scope, { user_id: user, event_type: 'cart' });
    const second = makeEvent(scope, { user_id: user, event_type: 'view' });
    expect((await post(event)).status).toBe(202);
    expect((await post(event)).status).toBe(202);
    expect((await post(second)).status).toBe(202); // processed after both copies: a marker that they were handled
    await waitFor(() => (profile(user)?.payload.counts as Record<string, number>)?.view === 1, {
      description: 'marker in profile',
    });
    await waitFor(async () => (await handle.graph.interactions(user)).length === 2, { description: 'marker in graph' });
    expect(await handle.graph.interactions(user)).toEqual([
      expect.objectContaining({ type: 'ADDED_TO_CART', count: 1 }),
      expect.objectContaining({ type: 'VIEWED', count: 1 }),
    ]);
    expect(profile(user)!.payload.counts).toMatchObject({ cart: 1, view: 1 });
  });

  it('dead-letters a poison message at once, once per sink, with the reason', async () => {
    await handle.broker.publish(scope, '', 'this is not json');
    await handle.broker.publish(scope, '', JSON.stringify({ event_id: `${scope}-bad`, user_id: 'u' }));
    const letters = await waitFor(
      async () => ((await handle.broker.depth(`${scope}.dlq`)) === 4 ? handle.broker.drain(`${scope}.dlq`) : null),
      {
        description: '4 dead letters',
      },
    );
    expect(letters.map((l) => l.headers['x-original-queue']).sort()).toEqual([
      `${scope}.neo4j`,
      `${scope}.neo4j`,
      `${scope}.qdrant`,
      `${scope}.qdrant`,
    ]);
    for (const letter of letters)
      expect(letter.headers).toMatchObject({
        'x-attempts': 1,
        'x-reason': expect.stringMatching(/JSON object|invalid event/),
      });
  });

  it('retries a failing write after each delay, then dead-letters it; replay brings it back to its sink only', async () => {
    const user = `${scope}-u-retry`;
    const event = makeEvent(scope, { user_id: user, event_type: 'purchase' });
    qdrant.failWith = 400; // Qdrant refuses the data: not an outage, so the broker retries run
    expect((await post(event)).status).toBe(202);
    const [letter] = await waitFor(async () => ((await handle.broker.depth(`${scope}.dlq`)) === 1 ? peek() : null), {
      description: 'dead letter after the retries',
    });
    expect(letter.headers).toMatchObject({
      'x-attempts': 4,
      'x-original-queue': `${scope}.qdrant`,
      'x-reason': expect.stringMatching(/400|failing/),
    });
    expect(await handle.graph.interactions(user)).toEqual([expect.objectContaining({ type: 'PURCHASED', count: 1 })]);

    qdrant.failWith = undefined;
    expect((await request('POST', `${handle.base}/rabbitmq/dlq/replay`, undefined, admin)).body).toEqual({
      replayed: 1,
      skipped: 0,
    });
    await waitFor(() => (profile(user)?.payload.counts as Record<string, number>)?.purchase === 1, {
      description: 'replayed into Qdrant',
    });
    expect(await handle.broker.depth(`${scope}.dlq`)).toBe(0);
    expect(await handle.graph.interactions(user)).toEqual([expect.objectContaining({ type: 'PURCHASED', count: 1 })]);
  });

  const peek = async () =>
    (await request('GET', `${handle.base}/rabbitmq/dlq?limit=5`, undefined, admin)).body.messages;

  it('guards purge and the DLQ with ADMIN_TOKEN, and only knows its own queues', async () => {
    const purge = (name: string, headers: Record<string, string> = {}) =>
      request('POST', `${handle.base}/rabbitmq/queues/${name}/purge`, undefined, headers);
    expect((await purge('neo4j')).status).toBe(401);
    expect((await purge('neo4j', { authorization: 'Bearer wrong-token' })).status).toBe(401);
    expect((await purge('neo4j', { 'x-admin-token': ADMIN_TOKEN })).body).toEqual({
      queue: `${scope}.neo4j`,
      purged: 0,
    });
    expect((await purge('some.other.queue', admin)).status).toBe(404);
    expect((await request('GET', `${handle.base}/rabbitmq/dlq`)).status).toBe(401);
    expect((await request('POST', `${handle.base}/rabbitmq/dlq/replay`)).status).toBe(401);

    expect((await request('GET', `${handle.base}/rabbitmq/queues/${scope}.neo4j`)).body).toEqual({
      queue: `${scope}.neo4j`,
      messages: 0,
      consumers: 1,
    });
    const health = await request('GET', `${handle.base}/rabbitmq/health`);
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', exchange: scope } });
  });

  it('leaves an audit line for every purge and replay: who, what, when, and the outcome', async () => {
    const lines: unknown[] = [];
    const spy = jest.spyOn(Logger.prototype, 'log').mockImplementation(function (this: Logger, message: unknown) {
      if ((this as unknown as { context?: string }).context === 'AdminAudit') lines.push(message);
    });
    try {
      await request('POST', `${handle.base}/rabbitmq/queues/qdrant/purge`, undefined, admin);
      await request('POST', `${handle.base}/rabbitmq/dlq/replay`, undefined, admin);
    } finally {
      spy.mockRestore();
    }
    const at = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);
    expect(lines).toEqual([
      expect.objectContaining({
        audit: true,
        action: 'queue.purge',
        actor: 'admin_token',
        client: expect.any(String),
        target: `${scope}.qdrant`,
        at,
        outcome: 'done',
      }),
      expect.objectContaining({ audit: true, action: 'dlq.replay', actor: 'admin_token', at, outcome: 'done' }),
    ]);
  });
});
