import { makeEvent, waitFor } from '@app/testing';
import { connect } from 'node:net';
import { EventAppHandle, request, startEventApp } from './event-pipeline.harness';

const LIMIT = 3;
/** As a proxy in front would pass it on: the client's own claim first, the address the proxy saw last. */
const from = (address: string) => ({ 'x-forwarded-for': `203.0.113.9, ${address}` });

async function bootReady(env: Record<string, string>): Promise<EventAppHandle> {
  const handle = await startEventApp(env);
  await waitFor(async () => (await request('GET', `${handle.base}/health/ready`)).status === 200, {
    description: 'ready',
  });
  return handle;
}

/** What a client that sends `chunks` and then nothing more sees: how soon the server hangs up, and what it said. */
function slowClient(base: string, chunks: string[]): Promise<{ closedAfterMs: number; received: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let received = '';
    const socket = connect({ host: hostname, port: Number(port) }, () =>
      chunks.forEach((chunk) => socket.write(chunk)),
    );
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => (received += data));
    socket.on('error', () => undefined); // a reset is a hang-up too
    socket.on('close', () => resolve({ closedAfterMs: Date.now() - started, received }));
    // Without a request timeout Node waits 60 s for headers and forever for a body.
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after 10 s; received ${JSON.stringify(received)}`));
    }, 10_000).unref();
  });
}

describe('event-ingest abuse limits (real RabbitMQ)', () => {
  jest.setTimeout(60_000);

  describe(`HTTP_RATE_LIMIT_PER_MINUTE=${LIMIT} behind a trusted proxy`, () => {
    let handle: EventAppHandle;

    beforeAll(async () => {
      handle = await bootReady({ HTTP_RATE_LIMIT_PER_MINUTE: String(LIMIT), HTTP_TRUST_PROXY: 'true' });
    });

    afterAll(async () => handle?.close());

    it('answers 429 with Retry-After and the API error body past the limit, per client, never on /health', async () => {
      const post = (client: string) => request('POST', `${handle.base}/events`, makeEvent(handle.scope), from(client));
      for (let i = 0; i < LIMIT; i += 1) expect((await post('10.0.0.1')).status).toBe(202);

      const refused = await post('10.0.0.1');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(refused.body).toEqual({
        statusCode: 429,
        error: 'Too Many Requests',
        message: expect.stringMatching(
          new RegExp(`^more than ${LIMIT} requests a minute from this client: retry in \\d+ (seconds?|minute)$`),
        ),
      });
      expect(await handle.broker.depth(`${handle.scope}.neo4j`)).toBe(LIMIT);

      for (let i = 0; i < 2 * LIMIT; i += 1) {
        expect((await request('GET', `${handle.base}/health/live`, undefined, from('10.0.0.1'))).status).toBe(200);
        expect((await request('GET', `${handle.base}/health/ready`, undefined, from('10.0.0.1'))).status).toBe(200);
      }
      expect((await post('10.0.0.2')).status).toBe(202);
    });
  });

  describe('HTTP_TRUST_PROXY=false (the default)', () => {
    let handle: EventAppHandle;

    beforeAll(async () => {
      handle = await bootReady({ HTTP_RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    });

    afterAll(async () => handle?.close());

    it('counts by the peer address: a made-up X-Forwarded-For does not escape the limit', async () => {
      const statuses: number[] = [];
      for (let i = 0; i <= LIMIT; i += 1)
        statuses.push(
          (await request('POST', `${handle.base}/events`, makeEvent(handle.scope), from(`10.0.1.${i}`))).status,
        );
      expect(statuses).toEqual([...Array(LIMIT).fill(202), 429]);
    });
  });

  describe('HTTP_REQUEST_TIMEOUT_MS=500', () => {
    const TIMEOUT_MS = 500;
    let handle: EventAppHandle;

    beforeAll(async () => {
      handle = await bootReady({ HTTP_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS), HTTP_RATE_LIMIT_PER_MINUTE: '0' });
    });

    afterAll(async () => handle?.close());

    it.each([
      [
        'headers that never end',
        ['POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'Content-Type: application/json\r\n'],
      ],
      [
        'a body that never ends',
        [
          'POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n',
          '{"user_id": 1, ',
        ],
      ],
    ])('closes the connection of a client sending %s, with 408, within the timeout', async (_, chunks) => {
      const { closedAfterMs, received } = await slowClient(handle.base, chunks);
      expect(closedAfterMs).toBeGreaterThanOrEqual(TIMEOUT_MS * 0.9);
      expect(closedAfterMs).toBeLessThan(TIMEOUT_MS * 1.25 + 1000);
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
    });

    it('still serves a client that sends its request in time', async () => {
      expect((await request('POST', `${handle.base}/events`, makeEvent(handle.scope))).status).toBe(202);
    });
  });
});
