import { makeEvent, serviceUrls, waitFor } from '@app/testing';
import { connect } from 'amqplib';
import { EventAppHandle, request, startEventApp } from './event-pipeline.harness';

/**
 * A sink queue deleted while its processor consumes it: the broker cancels the consumer. The
 * processor declares the queue again, bound to the fanout, and goes on consuming, so events
 * posted afterwards reach the graph without a restart.
 */
describe('Neo4j processor when its queue is deleted under it', () => {
  jest.setTimeout(60_000);
  let handle: EventAppHandle;

  beforeAll(async () => {
    handle = await startEventApp({ EVENT_PROCESSORS: 'neo4j', EVENT_SINKS: 'neo4j' });
    await waitFor(async () => (await request('GET', `${handle.base}/health/ready`)).status === 200, {
      description: 'ready',
    });
  });

  afterAll(async () => {
    await handle?.close();
  });

  it('subscribes again and writes the events posted after the deletion', async () => {
    const queue = `${handle.scope}.neo4j`;
    await waitFor(async () => (await handle.broker.consumers(queue)) === 1, { description: 'consuming' });
    const connection = await connect(serviceUrls.rabbitmq);
    try {
      await (await connection.createChannel()).deleteQueue(queue);
    } finally {
      await connection.close();
    }
    await waitFor(async () => (await handle.broker.consumers(queue)) === 1, {
      timeoutMs: 15_000,
      description: 'consuming the declared-again queue',
    });

    const event = makeEvent(handle.scope);
    expect((await request('POST', `${handle.base}/events`, event)).status).toBe(202);
    await waitFor(async () => (await handle.graph.processed([event.event_id])) === 1, {
      timeoutMs: 15_000,
      description: 'event in the graph',
    });
  });
});
