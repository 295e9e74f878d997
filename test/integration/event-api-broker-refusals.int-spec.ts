import { makeEvent, serviceUrls, waitFor } from '@app/testing';
import { connect } from 'amqplib';
import { EventAppHandle, request, startEventApp } from './event-pipeline.harness';

/**
 * Two ways the broker takes an event without storing it, unless the topology and the publisher
 * say otherwise: an event routed to no queue (its sink queues unbound or deleted) is confirmed
 * all the same unless published mandatory, and a full queue with drop-head overflow evicts its
 * oldest event while confirming the new one. POST /events must answer 503 for both, never 202.
 */
describe('POST /events when no queue is bound to the events exchange', () => {
  jest.setTimeout(60_000);
  let handle: EventAppHandle;

  beforeAll(async () => {
    handle = await startEventApp({ EVENT_PROCESSORS: 'none' });
    await waitFor(async () => (await request('GET', `${handle.base}/health/ready`)).status === 200, {
      description: 'topology declared',
    });
  });

  afterAll(async () => {
    await handle?.close();
  });

  it('answers 503 naming the unroutable event, and 202 again once a queue is bound', async () => {
    const { scope } = handle;
    const connection = await connect(serviceUrls.rabbitmq);
    const channel = await connection.createChannel();
    try {
      for (const sink of ['neo4j', 'qdrant']) await channel.unbindQueue(`${scope}.${sink}`, scope, '');

      const refused = await request('POST', `${handle.base}/events`, makeEvent(scope));
      expect(refused.status).toBe(503);
      expect(JSON.stringify(refused.body)).toMatch(/no queue took the message/);
      expect(refused.headers.get('retry-after')).toBeTruthy();

      await channel.bindQueue(`${scope}.neo4j`, scope, '');
      const event = makeEvent(scope);
      expect((await request('POST', `${handle.base}/events`, event)).status).toBe(202);
      const [stored] = await handle.broker.drain(`${scope}.neo4j`);
      expect(JSON.parse(stored.body)).toMatchObject({ event_id: event.event_id });
    } finally {
      await connection.close();
    }
  });
});

describe('POST /events when a sink queue is full', () => {
  jest.setTimeout(60_000);
  let handle: EventAppHandle;

  beforeAll(async () => {
    handle = await startEventApp({ EVENT_PROCESSORS: 'none', EVENT_SINKS: 'neo4j', EVENTS_MAX_LENGTH: '2' });
    await waitFor(async () => (await request('GET', `${handle.base}/health/ready`)).status === 200, {
      description: 'topology declared',
    });
  });

  afterAll(async () => {
    await handle?.close();
  });

  it('answers 503 once the queue has no room, and keeps every event it answered 202 for', async () => {
    // A quorum queue notices it is full once it holds the limit, so the refusal comes at or just past it.
    const taken: Array<{ event_id: string }> = [];
    let refused: { status: number } | undefined;
    for (let sent = 0; sent < 10 && !refused; sent++) {
      const event = makeEvent(handle.scope);
      const response = await request('POST', `${handle.base}/events`, event);
      if (response.status === 202) taken.push(event);
      else refused = response;
    }
    expect(refused?.status).toBe(503);
    expect(taken.length).toBeGreaterThanOrEqual(2);
    const kept = await handle.broker.drain(`${handle.scope}.neo4j`);
    expect(kept.map((message) => JSON.parse(message.body).event_id)).toEqual(taken.map((event) => event.event_id));
    expect(await handle.broker.depth(`${handle.scope}.dlq`)).toBe(0);
  });
});
