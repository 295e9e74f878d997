import { makeEvent, serviceUrls, TcpOutageProxy, waitFor } from '@app/testing';
import { EventAppHandle, request, startEventApp } from './event-pipeline.harness';

/**
 * RABBITMQ_URL with two URLs, as for two nodes of a cluster: here two proxies in front of the one
 * shared broker, so a spec can take a "node" away by cutting its proxy. The API goes on taking
 * events through the other one without a restart (a 503 while it switches is allowed).
 */
describe('event-ingest API failing over between broker URLs', () => {
  jest.setTimeout(60_000);
  const nodeA = new TcpOutageProxy('127.0.0.1', 5672);
  const nodeB = new TcpOutageProxy('127.0.0.1', 5672);
  let handle: EventAppHandle | undefined;

  const brokerUrls = () => `${nodeA.url(serviceUrls.rabbitmq)},${nodeB.url(serviceUrls.rabbitmq)}`;
  const boot = async () => {
    handle = await startEventApp({ RABBITMQ_URL: brokerUrls(), EVENT_PROCESSORS: 'none' });
    return handle;
  };

  /** Posts one event until the API answers 202 for it (503s while it reconnects are fine), and finds it in the sink queue. */
  const expectAccepted = async (app: EventAppHandle, description: string) => {
    const event = makeEvent(app.scope);
    await waitFor(async () => (await request('POST', `${app.base}/events`, event)).status === 202, {
      timeoutMs: 20_000,
      description,
    });
    const queued = await waitFor(
      async () =>
        (await app.broker.drain(`${app.scope}.neo4j`)).find(
          (message) => JSON.parse(message.body).event_id === event.event_id,
        ),
      { description: `event ${description} in its sink queue` },
    );
    expect(JSON.parse(queued.body)).toMatchObject({ event_id: event.event_id });
  };

  beforeAll(async () => {
    await Promise.all([nodeA.start(), nodeB.start()]);
  });

  afterEach(async () => {
    nodeA.restore();
    nodeB.restore();
    await handle?.close();
    handle = undefined;
  });

  afterAll(async () => {
    await Promise.all([nodeA.stop(), nodeB.stop()]);
  });

  it('answers 202 through the second URL when the first goes away, and through the first when the second does', async () => {
    const app = await boot();
    await waitFor(async () => (await request('GET', `${app.base}/health/ready`)).status === 200, {
      description: 'ready',
    });
    expect((await request('POST', `${app.base}/events`, makeEvent(app.scope))).status).toBe(202);

    nodeA.cut();
    await expectAccepted(app, '202 through the second URL after the first was cut');

    nodeA.restore();
    nodeB.cut();
    await expectAccepted(app, '202 through the first URL again after the second was cut');
    expect((await request('GET', `${app.base}/health/ready`)).status).toBe(200);
  });

  it('starts and becomes ready through the second URL while the first answers nothing', async () => {
    nodeA.cut();
    const app = await boot();
    await waitFor(async () => (await request('GET', `${app.base}/health/ready`)).status === 200, {
      timeoutMs: 20_000,
      description: 'ready through the second URL',
    });
    await expectAccepted(app, '202 with the first URL down since start-up');
  });
});
