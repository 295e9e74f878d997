import {
  FakeOpenAiServer,
  jsonOf,
  ReportAmqpClient,
  reportRequest,
  reportTestEnv,
  reportTestQueues,
  spawnApp,
  waitFor,
  withEnv,
} from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { ConsumeMessage } from 'amqplib';
import { Connection, createConnection } from 'mongoose';
import { startReportWorker } from '../support/report-worker.app';

const ENTRY = 'apps/report-worker/src/dead-letters/dead-letters.command.ts';

/** Values of the dead letters' bodies that `list` must never print. */
const PATIENT_VALUES = ['Ada Lovelace', 'LDL cholesterol', 'hypertension', 'female', 'Walk briskly'];

/** The JSON document the command prints on stdout. */
function documentOf(output: string): any {
  return JSON.parse(output.slice(output.indexOf('{')));
}

/** `npm run reports:dlq -- list|replay`, spawned as an operator runs it, against the real broker. */
describe('report dead-letter command (reports:dlq)', () => {
  jest.setTimeout(120_000);
  const llm = new FakeOpenAiServer();
  let env: Record<string, string>;
  /** The command's settings: MongoDB and Redis point at closed ports, since `list` needs neither. */
  let commandEnv: Record<string, string>;
  /** `replay` writes the audit trail: MongoDB is there, Redis still not. */
  let replayEnv: Record<string, string>;
  let restoreEnv: () => void;
  let amqp: ReportAmqpClient;
  let requests: string;
  let dlq: string;
  let worker: INestApplication | undefined;

  const run = (...args: string[]) => spawnApp(ENTRY, args[0] === 'replay' ? replayEnv : commandEnv, args);

  /** The worker as main.ts runs it; it declares every report queue before it consumes. */
  async function bootWorker(): Promise<INestApplication> {
    const app = await startReportWorker();
    await waitFor(
      async () => (await amqp.queueStats(requests))?.consumerCount === 1 && (await amqp.queueStats(dlq)) !== undefined,
      {
        description: 'worker consuming, its queues declared',
      },
    );
    return app;
  }

  /** A dead letter as the worker's ReportOutcomePublisher.deadLetter() leaves it. */
  function publishDeadLetter(
    body: unknown,
    rpc: { correlationId: string; replyTo: string },
    reason: string,
    attempt: number,
  ) {
    return amqp.publish(dlq, body, {
      ...rpc,
      messageId: rpc.correlationId,
      headers: {
        'x-report-attempt': attempt,
        'x-dead-letter-reason': reason,
        'x-failed-at': new Date().toISOString(),
        'x-worker': 'host:1',
      },
    });
  }

  beforeAll(async () => {
    await llm.start();
    env = reportTestEnv('report_dlq', {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: llm.baseUrl,
      MAX_RETRIES: '1',
      REPORT_RETRY_DELAYS_MS: '100',
      LOG_LEVEL: 'error',
    });
    commandEnv = { ...env, MONGODB_URI: 'mongodb://127.0.0.1:1/unreachable', REDIS_URL: 'redis://127.0.0.1:1' };
    replayEnv = { ...commandEnv, MONGODB_URI: env.MONGODB_URI };
    restoreEnv = withEnv(env);
    requests = env.RABBITMQ_REQUEST_QUEUE;
    dlq = `${requests}_dlq`;
    amqp = await new ReportAmqpClient().connect(env.RABBITMQ_URL);
    // Declared as in production, then left without a consumer so the replayed copies can be inspected.
    const declaring = await bootWorker();
    await declaring.close();
  });

  afterAll(async () => {
    await worker
      ?.get<Connection>(getConnectionToken())
      .dropDatabase()
      .catch(() => undefined);
    await worker?.close();
    await amqp?.deleteQueues([...reportTestQueues(env), `${requests}.urgent`]);
    await amqp?.close();
    await llm.stop();
    restoreEnv?.();
  });

  it('lists ids, reasons, attempts and failure times without the patient data, and leaves the dead letters in the queue', async () => {
    const seed = reportRequest({
      patient: { name: 'Ada Lovelace', age: 54, sex: 'female', conditions: ['hypertension'] },
    });
    const packet = { pattern: 'report.generate', id: 'nest-1', data: reportRequest() };
    await publishDeadLetter(
      seed,
      { correlationId: 'corr-seed', replyTo: 'caller-seed' },
      'invalid request: labs.0.value: must be a number',
      1,
    );
    await publishDeadLetter(
      packet,
      { correlationId: 'corr-packet', replyTo: 'caller-packet' },
      'LLM error 500: upstream down',
      2,
    );

    const list = run('list');
    expect(await list.exited).toBe(0);
    const listing = documentOf(list.output());
    expect(listing).toEqual({
      queue: dlq,
      total: 2,
      messages: [
        expect.objectContaining({
          request_id: seed.request_id,
          user_id: seed.user_id,
          reason: 'invalid request: labs.0.value: must be a number',
          attempt: 1,
          failed_at: expect.any(String),
        }),
        expect.objectContaining({
          request_id: packet.data.request_id,
          user_id: packet.data.user_id,
          pattern: 'report.generate',
          reason: 'LLM error 500: upstream down',
          attempt: 2,
        }),
      ],
    });
    for (const value of PATIENT_VALUES) expect(list.output()).not.toContain(value);
    expect(Object.keys(listing.messages[0]).sort()).toEqual([
      'attempt',
      'failed_at',
      'message_id',
      'reason',
      'request_id',
      'user_id',
      'worker',
    ]);
    expect(await amqp.messageCount(dlq)).toBe(2);

    const limited = run('list', '--limit', '1');
    expect(await limited.exited).toBe(0);
    expect(documentOf(limited.output())).toMatchObject({ total: 2, messages: [expect.any(Object)] });
    expect(documentOf(limited.output()).messages).toHaveLength(1);
  });

  it('replays one dead letter into the request queue with a fresh attempt budget, keeping what the RPC caller needs', async () => {
    const listed = run('list');
    expect(await listed.exited).toBe(0);
    const before = documentOf(listed.output()).messages;
    const replay = run('replay', '--limit', '1');
    expect(await replay.exited).toBe(0);
    expect(documentOf(replay.output())).toEqual({ queue: dlq, target: requests, replayed: 1 });
    expect(await amqp.messageCount(requests)).toBe(1);
    expect(await amqp.messageCount(dlq)).toBe(1);

    const copy = (await amqp.takeOne(requests))!;
    const original = before.find((letter: { message_id: string }) => letter.message_id === copy.properties.messageId);
    expect(original).toBeDefined();
    const headers = copy.properties.headers ?? {};
    expect(headers['x-report-attempt']).toBeUndefined();
    expect(headers['x-dead-letter-reason']).toBeUndefined();
    expect(headers['x-failed-at']).toBeUndefined();
    expect(Date.parse(headers['x-replayed-at'])).not.toBeNaN();
    const rpc =
      copy.properties.messageId === 'corr-seed'
        ? { correlationId: 'corr-seed', replyTo: 'caller-seed' }
        : { correlationId: 'corr-packet', replyTo: 'caller-packet' };
    expect(copy.properties).toMatchObject({ ...rpc, contentType: 'application/json', deliveryMode: 2 });
    const body = JSON.parse(copy.content.toString());
    expect(body.request_id ?? body.data.request_id).toBe(original.request_id);

    // The one left is the other request, and the rest goes with the default limit.
    const rest = run('replay');
    expect(await rest.exited).toBe(0);
    expect(documentOf(rest.output())).toMatchObject({ replayed: 1 });
    expect(await amqp.messageCount(dlq)).toBe(0);
    expect(await amqp.takeOne(requests)).toBeDefined();

    // Each replay is in the audit trail, before and after it moved anything, under the broker user it ran as.
    const db = await createConnection(env.MONGODB_URI).asPromise();
    try {
      const trail = await db.collection('audit_events').find({ action: 'dlq.replay' }).sort({ at: 1 }).toArray();
      const actor = decodeURIComponent(new URL(env.RABBITMQ_URL).username);
      expect(trail.map((e) => [e.outcome, e.detail, e.actor, e.actor_via])).toEqual([
        ['started', 'up to 1', actor, 'operator'],
        ['replayed', '1 dead letters', actor, 'operator'],
        ['started', 'up to 100', actor, 'operator'],
        ['replayed', '1 dead letters', actor, 'operator'],
      ]);
    } finally {
      await db.close();
    }
  });

  it('refuses a bad command line with the usage and exit code 64', async () => {
    const runs = [run('purge'), run('list', '--limit', '0'), run('replay', '--limit', 'all'), run()];
    for (const bad of runs) {
      expect(await bad.exited).toBe(64);
      expect(bad.output()).toContain('usage:');
    }
  });

  it('with the worker running: a request the LLM failed is dead-lettered, listed, replayed and then answered', async () => {
    worker = await bootWorker();
    const responses: ConsumeMessage[] = await amqp.collect(env.RABBITMQ_RESPONSE_QUEUE);
    const responsesTo = (id: string) =>
      responses.map((message) => jsonOf(message)).filter((response) => response.request_id === id);
    const request = reportRequest();
    // MAX_RETRIES=1: two failures spend the budget, and the request is dead-lettered at attempt 2.
    llm.failNext(2, 500);
    await amqp.publish(requests, request);
    await waitFor(() => responsesTo(request.request_id).length === 1, { description: 'failed response' });
    expect(responsesTo(request.request_id)[0]).toMatchObject({ status: 'failed', attempts: 2 });
    await waitFor(async () => (await amqp.messageCount(dlq)) === 1, { description: 'dead letter' });

    const list = run('list');
    expect(await list.exited).toBe(0);
    expect(documentOf(list.output()).messages).toEqual([
      expect.objectContaining({
        request_id: request.request_id,
        user_id: request.user_id,
        attempt: 2,
        reason: expect.stringMatching(/^LLM error 500/),
      }),
    ]);

    // One more failure after the replay: with a fresh budget it is retried, not dead-lettered again.
    llm.failNext(1, 500);
    const replay = run('replay');
    expect(await replay.exited).toBe(0);
    expect(documentOf(replay.output())).toMatchObject({ replayed: 1 });
    const answered = await waitFor(
      () => responsesTo(request.request_id).find((response) => response.status === 'success'),
      { timeoutMs: 30_000, description: 'report after the replay' },
    );
    expect(answered.report_id).toBeTruthy();
    expect(await amqp.messageCount(dlq)).toBe(0);
    expect(llm.calls).toBe(4);
  });
});
