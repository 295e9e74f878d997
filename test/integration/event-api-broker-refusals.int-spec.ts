import { makeEvent, serviceUrls, waitFor } from '@app/testing';
import { connect } from 'amqplib';
import { EventAppHandle, request, startEventApp } from './event-pipeline.harness';

/**
 * An event the broker routes to no queue (its sink queues unbound or deleted) is stored nowhere:
 * the broker confirms it all the same unless it was published mandatory. POST /events must not
 * answer 202 for it.
 */
describe('POST /events when no queue is bound to the events exchange', () => {
  jest.setTimeout(60_000);
  let handle: EventAppHandle;

  beforeAll(async () => {
    handle = await startEventApp({ EVENT_PROCESSORS: 'none' });
    await waitFor(async () => (await request('GET', `${handle.base}/health/ready`)).status === 200, { description: 'topology declared' });
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
