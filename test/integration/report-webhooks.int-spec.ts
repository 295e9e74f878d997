import {
  FakeOpenAiServer,
  jsonOf,
  ReportAmqpClient,
  reportRequest,
  reportTestEnv,
  reportTestQueues,
  spawnApp,
  waitFor,
  WebhookReceiver,
  withEnv,
} from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { getConnectionToken } from '@nestjs/mongoose';
import { ConsumeMessage } from 'amqplib';
import { Connection } from 'mongoose';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { firstValueFrom } from 'rxjs';
import { startReportWorker } from '../support/report-worker.app';

const DLQ_COMMAND = 'apps/report-worker/src/dead-letters/dead-letters.command.ts';

/** Checked here as a receiver would, not with the worker's own helper. */
function signatureVerifies(secret: string, body: Buffer, header: unknown): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function documentOf(output: string): any {
  return JSON.parse(output.slice(output.indexOf('{')));
}

/** Webhooks against the real broker and stores: the worker booted in this process, a node:http receiver on loopback. */
describe('report webhooks (real RabbitMQ, Redis, FerretDB)', () => {
  jest.setTimeout(120_000);
  const receiver = new WebhookReceiver();
  const llm = new FakeOpenAiServer();
  const secret = randomBytes(32).toString('hex');
  let env: Record<string, string>;
  /** The restart scenario's worker: a delay long enough to close a worker while a job waits in it. */
  let slowRetryEnv: Record<string, string>;
  let restoreEnv: () => void;
  let amqp: ReportAmqpClient;
  let app: INestApplication | undefined;
  let responses: ConsumeMessage[];
  let requests: string;
  let webhookQueue: string;
  let webhookDlq: string;

  /** The calls to `path` once there are `count` of them. */
  const callsOnceThere = (path: string, count: number, description: string, timeoutMs?: number) =>
    waitFor(() => (receiver.callsTo(path).length >= count ? receiver.callsTo(path) : undefined), {
      description,
      timeoutMs,
    });

  const responseMessage = (requestId: string) =>
    waitFor(() => responses.find((message) => jsonOf(message).request_id === requestId), {
      description: `response to ${requestId}`,
    });

  async function boot(settings: Record<string, string>): Promise<INestApplication> {
    Object.assign(process.env, settings);
    const worker = await startReportWorker();
    await waitFor(async () => (await amqp.queueStats(webhookQueue))?.consumerCount === 1, {
      description: 'webhook consumer subscribed',
    });
    return worker;
  }

  beforeAll(async () => {
    await Promise.all([receiver.start(), llm.start()]);
    env = reportTestEnv('report_webhooks', {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: llm.baseUrl,
      MAX_RETRIES: '0',
      WEBHOOK_SECRET: secret,
      WEBHOOK_ALLOWED_HOSTS: receiver.host,
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_RETRY_DELAYS_MS: '100,200',
      WEBHOOK_TIMEOUT_MS: '5000',
    });
    slowRetryEnv = { ...env, WEBHOOK_MAX_ATTEMPTS: '5', WEBHOOK_RETRY_DELAYS_MS: '2500' };
    restoreEnv = withEnv(env);
    requests = env.RABBITMQ_REQUEST_QUEUE;
    webhookQueue = `${requests}.webhooks`;
    webhookDlq = `${requests}.webhooks_dlq`;
    amqp = await new ReportAmqpClient().connect(env.RABBITMQ_URL);
    app = await boot(env);
    responses = await amqp.collect(env.RABBITMQ_RESPONSE_QUEUE);
  });

  afterAll(async () => {
    await app
      ?.get<Connection>(getConnectionToken())
      .dropDatabase()
      .catch(() => undefined);
    await app?.close();
    await amqp?.deleteQueues([...new Set([...reportTestQueues(env), ...reportTestQueues(slowRetryEnv)])]);
    await amqp?.close();
    await receiver.stop();
    await llm.stop();
    restoreEnv?.();
  });

  it('POSTs the response JSON, byte for byte, signed, with a delivery id, besides the response on the response queue', async () => {
    const request = reportRequest({ callback_url: receiver.url('/ok?token=t-1') });
    await amqp.publish(requests, request);
    const response = await responseMessage(request.request_id);
    expect(jsonOf(response)).toMatchObject({ request_id: request.request_id, status: 'success' });

    const [call] = await callsOnceThere('/ok', 1, 'the webhook POST');
    expect(call.path).toBe('/ok?token=t-1');
    expect(call.body.equals(response.content)).toBe(true);
    expect(call.headers['content-type']).toBe('application/json');
    expect(signatureVerifies(secret, call.body, call.headers['x-report-signature'])).toBe(true);
    expect(signatureVerifies('another-secret', call.body, call.headers['x-report-signature'])).toBe(false);
    expect(call.headers['x-report-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(async () => (await amqp.messageCount(webhookQueue)) === 0, { description: 'job acked' });
  });

  it('POSTs the answer of a Nest send() too, the caller getting it as well', async () => {
    const client: ClientProxy = ClientProxyFactory.create({
      transport: Transport.RMQ,
      options: { urls: [env.RABBITMQ_URL], queue: requests, noAssert: true },
    });
    await client.connect();
    try {
      const request = reportRequest({ callback_url: receiver.url('/rpc') });
      const answer = await firstValueFrom(client.send('report.generate', request));
      expect(answer).toMatchObject({ request_id: request.request_id, status: 'success' });
      const [call] = await callsOnceThere('/rpc', 1, 'the webhook POST of an RPC answer');
      expect(JSON.parse(call.body.toString())).toEqual(answer);
      expect(signatureVerifies(secret, call.body, call.headers['x-report-signature'])).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('POSTs the final failed answer of a valid request too', async () => {
    llm.failNext(1, 400); // permanent: dead-lettered at once, answered failed
    const request = reportRequest({ callback_url: receiver.url('/failed') });
    await amqp.publish(requests, request);
    const response = await responseMessage(request.request_id);
    expect(jsonOf(response)).toMatchObject({ status: 'failed', error_message: expect.stringMatching(/400/) });
    const [call] = await callsOnceThere('/failed', 1, 'the webhook POST of the failed answer');
    expect(call.body.equals(response.content)).toBe(true);
    expect(signatureVerifies(secret, call.body, call.headers['x-report-signature'])).toBe(true);
  });

  it('retries a receiver answering 503 twice through the delay queues, with the same delivery id, until its 200', async () => {
    receiver.answer('/flaky', (n) => (n <= 2 ? 503 : 200));
    const request = reportRequest({ callback_url: receiver.url('/flaky') });
    await amqp.publish(requests, request);
    const calls = await callsOnceThere('/flaky', 3, 'three POSTs');
    expect(calls.map((call) => call.status)).toEqual([503, 503, 200]);
    expect(new Set(calls.map((call) => call.headers['x-report-delivery'])).size).toBe(1);
    // Each retry waited out its delay queue (100 ms, then 200 ms) in the broker.
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(100);
    expect(calls[2].at - calls[1].at).toBeGreaterThanOrEqual(200);
    expect(calls.every((call) => call.body.equals(calls[0].body))).toBe(true);
    await waitFor(async () => (await amqp.messageCount(webhookQueue)) === 0, { description: 'job acked' });
    expect(await amqp.messageCount(webhookDlq)).toBe(0);
    expect(receiver.callsTo('/flaky')).toHaveLength(3);
  });

  it('dead-letters a job after WEBHOOK_MAX_ATTEMPTS; reports:dlq --queue webhooks lists and replays it, and it is delivered once the receiver recovers', async () => {
    let down = true;
    receiver.answer('/down', () => (down ? 500 : 200));
    const request = reportRequest({ callback_url: receiver.url('/down?token=s3cret') });
    await amqp.publish(requests, request);
    await responseMessage(request.request_id);
    await waitFor(async () => (await amqp.messageCount(webhookDlq)) === 1, { description: 'webhook dead letter' });
    expect(receiver.callsTo('/down').map((call) => call.status)).toEqual([500, 500, 500]);
    const deliveryId = receiver.callsTo('/down')[0].headers['x-report-delivery'];

    const commandEnv = { ...env, MONGODB_URI: 'mongodb://127.0.0.1:1/unreachable', REDIS_URL: 'redis://127.0.0.1:1' };
    const list = spawnApp(DLQ_COMMAND, commandEnv, ['list', '--queue', 'webhooks']);
    expect(await list.exited).toBe(0);
    expect(documentOf(list.output())).toEqual({
      queue: webhookDlq,
      total: 1,
      messages: [
        {
          delivery_id: deliveryId,
          request_id: request.request_id,
          user_id: request.user_id,
          status: 'success',
          target: `http://${receiver.host}`,
          reason: 'HTTP 500 at attempt 3 of 3',
          attempt: 3,
          last_status: 500,
          failed_at: expect.any(String),
          worker: expect.any(String),
        },
      ],
    });
    expect(list.output()).not.toContain('s3cret');

    down = false;
    const replay = spawnApp(DLQ_COMMAND, { ...commandEnv, MONGODB_URI: env.MONGODB_URI }, [
      'replay',
      '--queue',
      'webhooks',
    ]);
    expect(await replay.exited).toBe(0);
    expect(documentOf(replay.output())).toEqual({ queue: webhookDlq, target: webhookQueue, replayed: 1 });
    const delivered = await waitFor(() => receiver.callsTo('/down').find((call) => call.status === 200), {
      description: 'the replayed POST',
    });
    expect(delivered.headers['x-report-delivery']).toBe(deliveryId);
    expect(receiver.callsTo('/down')).toHaveLength(4);
    expect(await amqp.messageCount(webhookDlq)).toBe(0);
  });

  it('refuses a request whose callback_url is outside WEBHOOK_ALLOWED_HOSTS: failed response naming callback_url, request dead-lettered, never called', async () => {
    // localhost reaches the receiver, but only 127.0.0.1:<port> is allowed.
    const port = receiver.host.split(':')[1];
    const deadLetters = await amqp.messageCount(`${requests}_dlq`);
    const request = reportRequest({ callback_url: receiver.url('/refused', `localhost:${port}`) });
    await amqp.publish(requests, request);
    const response = jsonOf(await responseMessage(request.request_id));
    expect(response).toMatchObject({ status: 'failed', report_id: '' });
    expect(response.error_message).toBe(
      `invalid request: callback_url: host localhost:${port} is not in WEBHOOK_ALLOWED_HOSTS`,
    );
    await waitFor(async () => (await amqp.messageCount(`${requests}_dlq`)) === deadLetters + 1, {
      description: 'the request dead-lettered',
    });
    expect(await amqp.messageCount(webhookQueue)).toBe(0);
    expect(await amqp.messageCount(webhookDlq)).toBe(0);
    expect(receiver.callsTo('/refused')).toHaveLength(0);
  });

  it('never delays a report for a receiver that does not answer: responses arrive while the POST hangs', async () => {
    receiver.answer('/hang', () => 'hang');
    const first = reportRequest({ callback_url: receiver.url('/hang') });
    await amqp.publish(requests, first);
    await responseMessage(first.request_id);
    await waitFor(() => receiver.pendingCount === 1, { description: 'the POST hanging' });

    const second = reportRequest({ callback_url: receiver.url('/hang') });
    await amqp.publish(requests, second);
    expect(jsonOf(await responseMessage(second.request_id))).toMatchObject({ status: 'success' });
    await waitFor(() => receiver.pendingCount === 2, { description: 'both POSTs hanging' });
    expect(receiver.callsTo('/hang').every((call) => call.status === undefined)).toBe(true);

    receiver.release(200);
    await waitFor(async () => (await amqp.messageCount(webhookQueue)) === 0, { description: 'jobs acked' });
  });

  it('counts a POST unanswered within WEBHOOK_TIMEOUT_MS as failed and tries again, with the same delivery id', async () => {
    await app!.close();
    app = await boot({ ...env, WEBHOOK_TIMEOUT_MS: '500' });
    receiver.answer('/slow', (n) => (n === 1 ? 'hang' : 200));
    const request = reportRequest({ callback_url: receiver.url('/slow') });
    await amqp.publish(requests, request);
    const calls = await callsOnceThere('/slow', 2, 'the POST after the timeout');
    expect(calls[1].status).toBe(200);
    expect(calls[1].headers['x-report-delivery']).toBe(calls[0].headers['x-report-delivery']);
    // 500 ms without an answer, then the first delay (100 ms) in the broker.
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(600);
    receiver.release();
  });

  it('loses no delivery when the worker closes while a job waits in a retry queue: the next worker POSTs it', async () => {
    await app!.close();
    app = await boot(slowRetryEnv);
    let phase: 'old' | 'new' = 'old';
    receiver.answer('/restart', () => (phase === 'old' ? 503 : 200));
    const request = reportRequest({ callback_url: receiver.url('/restart') });
    await amqp.publish(requests, request);
    await waitFor(() => receiver.callsTo('/restart').length === 1, { description: 'first POST' });
    await waitFor(async () => (await amqp.messageCount(`${webhookQueue}.retry.2500ms`)) === 1, {
      description: 'job waiting in the retry queue',
    });
    await app.close();
    app = undefined;
    expect(receiver.callsTo('/restart')).toHaveLength(1);

    phase = 'new';
    app = await boot(slowRetryEnv);
    const calls = await callsOnceThere('/restart', 2, 'the POST by the next worker', 15_000);
    expect(calls.map((call) => call.status)).toEqual([503, 200]);
    expect(calls[1].headers['x-report-delivery']).toBe(calls[0].headers['x-report-delivery']);
  });
});
