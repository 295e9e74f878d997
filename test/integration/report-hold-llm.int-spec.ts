import {
  FakeOpenAiServer,
  getJson,
  jsonOf,
  ReportAmqpClient,
  reportRequest,
  reportTestEnv,
  reportTestQueues,
  waitFor,
  waitUntilReady,
  withEnv,
  metricValue,
} from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { ConsumeMessage } from 'amqplib';
import { Connection } from 'mongoose';
import { ReportMetrics } from '../../apps/report-worker/src/metrics/report.metrics';
import { startReportWorker } from '../support/report-worker.app';

/** The worker's queues and answers, for workers booted (one after another) with the same settings. */
async function fixture(llm: FakeOpenAiServer, overrides: Record<string, string> = {}) {
  const env = reportTestEnv('report_hold_llm', {
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: llm.baseUrl,
    OPENAI_TIMEOUT_MS: '2000',
    ...overrides,
  });
  const restoreEnv = withEnv(env);
  const amqp = await new ReportAmqpClient().connect(env.RABBITMQ_URL);
  let app: INestApplication | undefined;
  let responses: ConsumeMessage[] | undefined;
  const answers = () => (responses ?? []).map((message) => jsonOf(message));
  return {
    amqp,
    requests: env.RABBITMQ_REQUEST_QUEUE,
    dlq: `${env.RABBITMQ_REQUEST_QUEUE}_dlq`,
    get app(): INestApplication {
      return app!;
    },
    get metrics(): ReportMetrics {
      return app!.get(ReportMetrics);
    },
    readiness: async () => getJson(`${await app!.getUrl()}/health/ready`),
    async start() {
      app = await startReportWorker({ listen: true });
      // Once the worker has declared the response queue; one collector for every worker after it.
      responses ??= await amqp.collect(env.RABBITMQ_RESPONSE_QUEUE);
      await waitUntilReady(`${await app.getUrl()}/health/ready`);
    },
    publish: (body: unknown) => amqp.publish(env.RABBITMQ_REQUEST_QUEUE, body),
    answers,
    answerTo: (id: string, timeoutMs = 10_000) =>
      waitFor(() => answers().find((answer) => answer.request_id === id), {
        timeoutMs,
        description: `the answer to ${id}`,
      }),
    async close() {
      await app
        ?.get<Connection>(getConnectionToken())
        .dropDatabase()
        .catch(() => undefined);
      await app?.close();
      await amqp.deleteQueues(reportTestQueues(env));
      await amqp.close();
      restoreEnv();
    },
  };
}

describe('report worker holds requests while the LLM refuses its configuration (fake OpenAI over the real SDK)', () => {
  jest.setTimeout(60_000);
  const llm = new FakeOpenAiServer();
  beforeAll(() => llm.start());
  afterAll(() => llm.stop());
  beforeEach(() => llm.reset());

  describe('one worker', () => {
    let f: Awaited<ReturnType<typeof fixture>>;
    beforeAll(async () => {
      f = await fixture(llm);
      await f.start();
    });
    afterAll(() => f?.close());

    it('holds requests while the LLM answers 401, names it in readiness, and answers them all once it accepts', async () => {
      llm.failUntilRecovered(401);
      const requests = Array.from({ length: 3 }, () => reportRequest());
      for (const request of requests) await f.publish(request);
      // Every request is tried again and again, well past the one try a permanent error gets.
      await waitFor(() => llm.calls >= requests.length * 4 || f.answers().length > 0, {
        description: 'repeated tries',
      });
      expect(f.answers()).toEqual([]);
      expect(await f.amqp.messageCount(f.dlq)).toBe(0);
      const holding = await waitFor(
        async () => {
          const probe = await f.readiness();
          return probe.status === 503 && probe.body.error?.requests?.held === requests.length ? probe : null;
        },
        { description: 'readiness naming the held requests' },
      );
      expect(holding.body.error.requests).toEqual({
        status: 'down',
        message: 'holding: LLM refuses our credentials (401)',
        held: requests.length,
      });

      llm.recover();
      for (const request of requests) {
        expect(await f.answerTo(request.request_id)).toMatchObject({
          status: 'success',
          attempts: 1,
          generator: 'llm',
        });
      }
      expect(await metricValue(f.metrics.retried)).toBe(0);
      expect(await metricValue(f.metrics.deadLettered, { reason: 'permanent' })).toBe(0);
      expect(await f.amqp.messageCount(f.dlq)).toBe(0);
      await waitUntilReady(`${await f.app.getUrl()}/health/ready`);
    });

    it('still dead-letters a request the LLM rejects as malformed (400) at once', async () => {
      llm.failNext(1, 400);
      const request = reportRequest();
      await f.publish(request);
      expect(await f.answerTo(request.request_id)).toMatchObject({ status: 'failed', attempts: 1 });
      expect(llm.calls).toBe(1);
    });
  });

  it('hands a held request back to the broker at once on shutdown; the next worker answers it', async () => {
    const f = await fixture(llm);
    try {
      await f.start();
      llm.failUntilRecovered(403);
      const request = reportRequest();
      await f.publish(request);
      await waitFor(() => llm.calls >= 2 || f.answers().length > 0, { description: 'the request tried again' });
      expect(f.answers()).toEqual([]);
      await waitFor(
        async () => (await f.readiness()).body.error?.requests?.message === 'holding: LLM denies access (403)',
        {
          description: 'readiness naming the hold',
        },
      );
      // REPORT_DRAIN_TIMEOUT_MS is 10 s: a hold that kept its delivery would make close() wait that long.
      const closing = Date.now();
      await f.app.close();
      expect(Date.now() - closing).toBeLessThan(5000);
      await waitFor(async () => (await f.amqp.messageCount(f.requests)) === 1, {
        description: 'the request back in its queue',
      });
      expect(f.answers()).toEqual([]);
      expect(await f.amqp.messageCount(f.dlq)).toBe(0);

      llm.recover();
      await f.start();
      expect(await f.answerTo(request.request_id)).toMatchObject({ status: 'success', reused: false });
    } finally {
      await f.close();
    }
  });

  it('hands a request held past REPORT_OUTAGE_HOLD_MS back to the broker without spending its retries', async () => {
    const f = await fixture(llm, { REPORT_OUTAGE_HOLD_MS: '1000' });
    try {
      await f.start();
      llm.failUntilRecovered(404);
      const request = reportRequest();
      await f.publish(request);
      // Handed back (through this attempt's delay queue) and delivered again, twice.
      await waitFor(async () => (await metricValue(f.metrics.received)) >= 3 || f.answers().length > 0, {
        description: 'the request delivered again after its hold',
      });
      expect(f.answers()).toEqual([]);
      llm.recover();
      expect(await f.answerTo(request.request_id)).toMatchObject({ status: 'success', reused: false });
      expect(await metricValue(f.metrics.retried)).toBe(0);
      expect(await f.amqp.messageCount(f.dlq)).toBe(0);
    } finally {
      await f.close();
    }
  });
});
