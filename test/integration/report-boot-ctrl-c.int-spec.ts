import {
  AppProcess,
  FakeOpenAiServer,
  getJson,
  jsonOf,
  ReportAmqpClient,
  reportRequest,
  reportResponseQueueOptions,
  reportTestEnv,
  reportTestQueues,
  spawnApp,
  waitFor,
} from '@app/testing';
import { ConsumeMessage } from 'amqplib';
import { createConnection } from 'mongoose';
import { AddressInfo, createServer } from 'node:net';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Ctrl-C on a worker started from a script: the terminal's SIGINT and the script's SIGTERM arrive
 * together. That is one stop request: the worker drains its in-flight request and exits 0.
 */
describe('report worker stopped with Ctrl-C under a wrapper script', () => {
  jest.setTimeout(120_000);
  const llm = new FakeOpenAiServer();
  let env: Record<string, string>;
  let amqp: ReportAmqpClient;
  let responses: ConsumeMessage[];
  let worker: AppProcess | undefined;

  beforeAll(async () => {
    await llm.start();
    env = reportTestEnv('report_ctrl_c', { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: llm.baseUrl, LOG_LEVEL: 'log' });
    amqp = await new ReportAmqpClient().connect(env.RABBITMQ_URL);
    await amqp.channel.assertQueue(env.RABBITMQ_RESPONSE_QUEUE, reportResponseQueueOptions());
    responses = await amqp.collect(env.RABBITMQ_RESPONSE_QUEUE);
  });

  afterAll(async () => {
    if (worker && worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    const db = await createConnection(env.MONGODB_URI).asPromise();
    await db.dropDatabase();
    await db.close();
    await amqp?.deleteQueues(reportTestQueues(env));
    await amqp?.close();
    await llm.stop();
  });

  it('drains once on SIGINT followed at once by SIGTERM, and exits 0', async () => {
    const port = await freePort();
    worker = spawnApp('apps/report-worker/src/main.ts', { ...env, HEALTH_PORT: String(port) });
    await waitFor(async () => (await getJson(`http://127.0.0.1:${port}/health/ready`)).status === 200, {
      timeoutMs: 60_000,
      description: 'worker ready',
    });
    llm.setLatency(1500);
    const request = reportRequest();
    await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, request);
    await waitFor(() => llm.calls === 1, { description: 'the request in flight' });

    worker.child.kill('SIGINT');
    worker.child.kill('SIGTERM');

    expect(await worker.exited).toBe(0);
    const answered = () =>
      responses.map((message) => jsonOf(message)).filter((response) => response.request_id === request.request_id);
    await waitFor(() => answered().length > 0, { description: 'the drained response' });
    expect(answered()).toEqual([expect.objectContaining({ status: 'success' })]);
    expect(worker.output()).toContain('the same stop request');
    expect(worker.output()).not.toContain('exiting without waiting');
  });
});
