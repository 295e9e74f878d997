import {
  AppProcess,
  getJson,
  jsonOf,
  ReportAmqpClient,
  reportRequest,
  reportResponseQueueOptions,
  reportTestEnv,
  reportTestQueues,
  serviceUrls,
  spawnApp,
  TcpOutageProxy,
  waitFor,
  waitUntilReady,
} from '@app/testing';
import { ConsumeMessage } from 'amqplib';
import { createConnection } from 'mongoose';
import { AddressInfo, createServer, Server } from 'node:net';

const ENTRY = 'apps/report-worker/src/main.ts';
// A spawned worker compiles its sources first (swc): allow for a loaded machine.
const BOOT_MS = 60_000;

async function listening(port = 0): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

async function freePort(): Promise<number> {
  const server = await listening();
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The worker boots while its path to RabbitMQ is cut (a proxy in front of the real broker): the
 * health port answers from the start, readiness names the consumer until it is subscribed, and
 * the worker takes requests once the broker answers, again after the broker goes away and back.
 */
describe('report worker booting during a broker outage', () => {
  jest.setTimeout(120_000);
  const rabbitmq = new TcpOutageProxy('127.0.0.1', 5672);
  let env: Record<string, string>;
  let amqp: ReportAmqpClient;
  let responses: ConsumeMessage[];
  let worker: AppProcess | undefined;
  const responseTo = (request: Record<string, any>) =>
    responses.map((message) => jsonOf(message)).find((response) => response.request_id === request.request_id);
  const boot = async (overrides: Record<string, string> = {}) => {
    const port = overrides.HEALTH_PORT ?? String(await freePort());
    worker = spawnApp(ENTRY, { ...env, HEALTH_PORT: port, LOG_LEVEL: 'log', ...overrides });
    return `http://127.0.0.1:${port}/health`;
  };

  beforeAll(async () => {
    await rabbitmq.start();
    env = reportTestEnv('report_boot', { RABBITMQ_URL: rabbitmq.url(serviceUrls.rabbitmq) });
    amqp = await new ReportAmqpClient().connect(serviceUrls.rabbitmq);
    // Declared with the worker's arguments, so responses can be collected before a worker runs.
    await amqp.channel.assertQueue(env.RABBITMQ_RESPONSE_QUEUE, reportResponseQueueOptions());
    responses = await amqp.collect(env.RABBITMQ_RESPONSE_QUEUE);
  });

  beforeEach(() => rabbitmq.cut());

  afterEach(async () => {
    if (worker && worker.child.exitCode === null && worker.child.signalCode === null) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    worker = undefined;
    rabbitmq.restore();
  });

  afterAll(async () => {
    const db = await createConnection(env.MONGODB_URI).asPromise();
    await db.dropDatabase();
    await db.close();
    await amqp?.deleteQueues(reportTestQueues(env));
    await amqp?.close();
    await rabbitmq.stop();
  });

  it('is live at once, unready naming the consumer, and ready and working once the broker answers', async () => {
    const health = await boot();
    await waitFor(async () => (await getJson(`${health}/live`)).status === 200, {
      timeoutMs: BOOT_MS,
      description: 'live while the broker is unreachable',
    });

    const unready = await getJson(`${health}/ready`);
    expect(unready.status).toBe(503);
    expect(Object.keys(unready.body.error)).toEqual(['rabbitmq']);
    expect(unready.body.error.rabbitmq.message).toMatch(/consumer not consuming/);

    rabbitmq.restore();
    const { body } = await waitUntilReady(`${health}/ready`, 30_000);
    expect(body.info.rabbitmq).toEqual({ status: 'up' });
    const first = reportRequest();
    await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, first);
    await waitFor(() => responseTo(first), { timeoutMs: 20_000, description: 'a response to the first request' });
    expect(responseTo(first)).toEqual(expect.objectContaining({ status: 'success' }));

    // The broker goes away and comes back: the consumer subscribes again without a restart.
    rabbitmq.cut();
    await waitFor(
      async () => (await getJson(`${health}/ready`)).body.error?.rabbitmq?.message?.includes('consumer not consuming'),
      {
        description: '503 naming the consumer while the broker is away',
      },
    );
    rabbitmq.restore();
    await waitUntilReady(`${health}/ready`, 30_000);
    const second = reportRequest();
    await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, second);
    await waitFor(() => responseTo(second), {
      timeoutMs: 20_000,
      description: 'a response after the broker came back',
    });
    expect(responseTo(second)).toEqual(expect.objectContaining({ status: 'success' }));
  });

  it('exits 0 on SIGTERM while it still waits for the broker', async () => {
    const health = await boot();
    await waitFor(async () => (await getJson(`${health}/live`)).status === 200, {
      timeoutMs: BOOT_MS,
      description: 'live',
    });
    worker!.child.kill('SIGTERM');
    expect(await worker!.exited).toBe(0);
    expect(worker!.output()).not.toContain('start-up failed');
  });

  it('still fails start-up loudly when its health port is taken, broker or not', async () => {
    const taken = await listening();
    try {
      await boot({ HEALTH_PORT: String((taken.address() as AddressInfo).port) });
      expect(await worker!.exited).toBe(1);
      expect(worker!.output()).toMatch(/"level":"fatal","message":"start-up failed: .*EADDRINUSE/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
