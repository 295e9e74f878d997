import { makeEvent, TcpOutageProxy, serviceUrls, waitFor } from '@app/testing';
import { EventAppHandle, request, startEventApp } from './event-pipeline.harness';

/** POST /events and /events/batch against the real broker, with no processors running. */
describe('event-ingest API → RabbitMQ', () => {
  jest.setTimeout(60_000);
  const rabbitmq = new TcpOutageProxy('127.0.0.1', 5672);
  let handle: EventAppHandle;
  let scope: string;

  beforeAll(async () => {
    await rabbitmq.start();
    handle = await startEventApp({ RABBITMQ_URL: rabbitmq.url(serviceUrls.rabbitmq), EVENT_PROCESSORS: 'none' });
    scope = handle.scope;
    await waitFor(async () => (await request('GET', `${handle.base}/health/ready`)).status === 200, {
      description: 'ready',
    });
  });

  afterAll(async () => {
    await handle?.close();
    await rabbitmq.stop();
  });

  const queues = () => [`${scope}.neo4j`, `${scope}.qdrant`];

  it('answers 202 with the event_id once confirmed, and fans the event out to both sink queues', async () => {
    const event = makeEvent(scope, { user_id: 1, product_id: 100 } as never);
    const response = await request('POST', `${handle.base}/events`, event);
    expect(response).toMatchObject({ status: 202, body: { event_id: event.event_id } });

    for (const queue of queues()) {
      const [message] = await handle.broker.drain(queue);
      expect(JSON.parse(message.body)).toMatchObject({
        event_id: event.event_id,
        user_id: '1',
        product_id: '100',
        event_type: 'view',
      });
    }
  });

  it('assigns an event_id and a timestamp when the client sends none', async () => {
    const { event_id: _, timestamp: __, ...bare } = makeEvent(scope);
    const response = await request('POST', `${handle.base}/events`, bare);
    expect(response.status).toBe(202);
    expect(response.body.event_id).toMatch(/^[0-9a-f-]{36}$/);
    const [message] = await handle.broker.drain(`${scope}.neo4j`);
    expect(JSON.parse(message.body)).toMatchObject({
      event_id: response.body.event_id,
      timestamp: expect.stringMatching(/Z$/),
    });
    await handle.broker.drain(`${scope}.qdrant`);
  });

  it.each([
    ['a missing field', { user_id: 1, product_id: 2, user_session: 's' }, /event_type/],
    ['an unknown event type', { ...makeEvent('x'), event_type: 'like' }, /event_type must be one of/],
    ['an unknown field', { ...makeEvent('x'), colour: 'red' }, /property colour should not exist/],
    ['a negative price', { ...makeEvent('x'), price: -1 }, /price/],
    ['a bad timestamp', { ...makeEvent('x'), timestamp: 'yesterday' }, /timestamp must be an ISO 8601/],
    ['a bad event_id', { ...makeEvent('x'), event_id: 'a b' }, /event_id/],
    ['a fractional user id', { ...makeEvent('x'), user_id: 1.5 }, /user_id must be a non-empty string/],
  ])('refuses %s with 400 naming the field, and publishes nothing', async (_, body, message) => {
    const response = await request('POST', `${handle.base}/events`, body);
    expect(response.status).toBe(400);
    expect(response.body.message.join('\n')).toMatch(message);
    for (const queue of queues()) expect(await handle.broker.depth(queue)).toBe(0);
  });

  it.each([
    ['truncated JSON', '{"user_id":', 'application/json', 400, /^body is not valid JSON: Unexpected end of JSON input/],
    ['a JSON syntax error', '{"user_id" 1}', 'application/json', 400, /^body is not valid JSON: .*position 11/],
    ['an empty body', '', 'application/json', 400, /^body is empty/],
    ['a __proto__ key', '{"__proto__":{"admin":true}}', 'application/json', 400, /forbidden key \(__proto__/],
    [
      'a constructor.prototype key',
      '{"constructor":{"prototype":{"admin":true}}}',
      'application/json',
      400,
      /forbidden key/,
    ],
    [
      'a text body',
      'user_id=1',
      'text/plain',
      415,
      /^Content-Type "text\/plain" is not accepted: send the body as application\/json$/,
    ],
    [
      'a form body',
      'user_id=1',
      'application/x-www-form-urlencoded',
      415,
      /"application\/x-www-form-urlencoded" is not accepted/,
    ],
  ])('refuses %s, naming the problem, and publishes nothing', async (_, body, contentType, status, message) => {
    const response = await request('POST', `${handle.base}/events`, body, { 'content-type': contentType });
    expect(response.status).toBe(status);
    expect(response.body.message).toMatch(message);
    for (const queue of queues()) expect(await handle.broker.depth(queue)).toBe(0);
  });

  it('lists each problem of an invalid event once', async () => {
    const response = await request('POST', `${handle.base}/events`, { event_type: 'view' });
    const problems: string[] = response.body.message;
    expect(problems).toEqual([...new Set(problems)]);
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^user_id/), expect.stringMatching(/^product_id/)]),
    );
  });

  it('refuses a body that is too large', async () => {
    const huge = { ...makeEvent(scope), category: 'x'.repeat(3 * 1024 * 1024) };
    expect((await request('POST', `${handle.base}/events`, huge)).status).toBe(413);
    for (const queue of queues()) expect(await handle.broker.depth(queue)).toBe(0);
  });

  it('accepts a batch and answers per event', async () => {
    const events = Array.from({ length: 50 }, (_, i) => makeEvent(scope, { product_id: `${scope}-p${i}` }));
    const response = await request('POST', `${handle.base}/events/batch`, { events });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ accepted: 50, failed: 0 });
    expect(response.body.results.map((r: { event_id: string }) => r.event_id)).toEqual(events.map((e) => e.event_id));
    for (const queue of queues()) expect(await handle.broker.drain(queue)).toHaveLength(50);
  });

  it('refuses a whole batch with one bad event (naming it) or more than 1,000 events', async () => {
    const bad = await request('POST', `${handle.base}/events/batch`, {
      events: [makeEvent(scope), { ...makeEvent(scope), event_type: 'x' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message.join('\n')).toMatch(/events\.1\.event_type/);
    const tooMany = await request('POST', `${handle.base}/events/batch`, {
      events: Array.from({ length: 1001 }, () => makeEvent(scope)),
    });
    expect(tooMany.status).toBe(400);
    for (const queue of queues()) expect(await handle.broker.depth(queue)).toBe(0);
  });

  it('answers 503 with Retry-After at once while the broker is unreachable, then 202 again', async () => {
    rabbitmq.cut();
    await waitFor(async () => (await request('GET', `${handle.base}/health/ready`)).status === 503, {
      description: 'not ready',
    });
    const started = Date.now();
    const response = await request('POST', `${handle.base}/events`, makeEvent(scope));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(Date.now() - started).toBeLessThan(1000);

    rabbitmq.restore();
    const event = makeEvent(scope);
    await waitFor(async () => (await request('POST', `${handle.base}/events`, event)).status === 202, {
      timeoutMs: 30_000,
      description: '202 after reconnect',
    });
    await waitFor(async () => (await handle.broker.depth(`${scope}.neo4j`)) >= 1, { description: 'event in queue' });
  });

  it('serves the OpenAPI document', async () => {
    const docs = await request('GET', `${handle.base}/docs-json`);
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/events', '/events/batch', '/rabbitmq/queues/{name}/purge']),
    );
  });
});
