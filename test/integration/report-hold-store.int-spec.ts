import {
  FakeOpenAiServer,
  getJson,
  jsonOf,
  ProbeResult,
  ReportAmqpClient,
  reportRequest,
  reportTestEnv,
  reportTestQueues,
  serviceUrls,
  TcpOutageProxy,
  waitFor,
  waitUntilReady,
  withEnv,
  metricValue,
} from '@app/testing';
import { getConnectionToken } from '@nestjs/mongoose';
import { ConsumeMessage } from 'amqplib';
import { Connection } from 'mongoose';
import { ReportMetrics } from '../../apps/report-worker/src/metrics/report.metrics';
import { startReportWorker } from '../support/report-worker.app';

/**
 * Each try during a cut waits out the driver's 5 s server selection, so the broker's four tries
 * (MAX_RETRIES 3, delays 100/200/300 ms) are used up after about 20 s: the cut lasts longer.
 */
const OUTAGE_MS = 28_000;

/** One worker whose MongoDB path goes through a proxy the spec cuts; its queues and answers. */
async function harness(proxy: TcpOutageProxy, llm: FakeOpenAiServer) {
  const env = reportTestEnv('report_hold_store', {
    REPORT_RETRY_DELAYS_MS: '100,200,300',
    MAX_RETRIES: '3',
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: llm.baseUrl,
    OPENAI_TIMEOUT_MS: '2000',
  });
  env.MONGODB_URI = proxy.url(env.MONGODB_URI);
  const restoreEnv = withEnv(env);
  const app = await startReportWorker({ listen: true });
  const ready = `${await app.getUrl()}/health/ready`;
  const amqp = await new ReportAmqpClient().connect(env.RABBITMQ_URL);
  const responses: ConsumeMessage[] = await amqp.collect(env.RABBITMQ_RESPONSE_QUEUE);
  const answers = () => responses.map((message) => jsonOf(message));
  const metrics = app.get(ReportMetrics);
  return {
    app,
    amqp,
    ready,
    metrics,
    dlq: `${env.RABBITMQ_REQUEST_QUEUE}_dlq`,
    db: () => app.get<Connection>(getConnectionToken()),
    publish: (body: unknown) => amqp.publish(env.RABBITMQ_REQUEST_QUEUE, body),
    answers,
    answerTo: (id: string, timeoutMs = 10_000) =>
      waitFor(() => answers().find((answer) => answer.request_id === id), {
        timeoutMs,
        description: `the answer to ${id}`,
      }),
    async close() {
      proxy.restore();
      await this.db()
        .dropDatabase()
        .catch(() => undefined);
      await app.close();
      await amqp.deleteQueues(reportTestQueues(env));
      await amqp.close();
      restoreEnv();
    },
  };
}

describe('report worker holds requests while MongoDB is unreachable (TCP proxy, shared FerretDB untouched)', () => {
  jest.setTimeout(120_000);
  const target = new URL(serviceUrls.mongodb);
  const proxy = new TcpOutageProxy(target.hostname, Number(target.port || 27017));
  const llm = new FakeOpenAiServer();
  let h: Awaited<ReturnType<typeof harness>>;

  beforeAll(async () => {
    await Promise.all([proxy.start(), llm.start()]);
    h = await harness(proxy, llm);
    await waitUntilReady(h.ready);
  });

  afterAll(async () => {
    await h?.close();
    await Promise.all([proxy.stop(), llm.stop()]);
  });

  beforeEach(() => llm.reset());
  afterEach(() => proxy.restore());

  it('answers every request taken during an outage longer than the retry budget with success, attempts unspent, none dead-lettered', async () => {
    const requests = Array.from({ length: 4 }, () => reportRequest());
    proxy.cut();
    const cutAt = Date.now();
    for (const request of requests) await h.publish(request);
    const probes: ProbeResult[] = [];
    await waitFor(
      async () => {
        probes.push(await getJson(h.ready));
        return Date.now() - cutAt > OUTAGE_MS;
      },
      { timeoutMs: OUTAGE_MS + 10_000, intervalMs: 500, description: 'the end of the cut' },
    );
    expect(h.answers()).toEqual([]);
    proxy.restore();

    for (const request of requests) {
      expect(await h.answerTo(request.request_id, 30_000)).toMatchObject({
        status: 'success',
        attempts: 1,
        reused: false,
      });
    }
    expect(await h.amqp.messageCount(h.dlq)).toBe(0);
    expect(await metricValue(h.metrics.retried)).toBe(0);
    expect(h.answers()).toHaveLength(requests.length);
    const jobs = await h
      .db()
      .collection('report_jobs')
      .find({ request_id: { $in: requests.map((r) => r.request_id) } })
      .toArray();
    expect(jobs.map((job) => [job.status, job.attempts])).toEqual(requests.map(() => ['completed', 1]));

    // Readiness: down naming the hold once every request was held, and so to the end of the cut;
    // then up again by itself.
    const allHeld = probes.findIndex((probe) => probe.body.error?.requests?.held === requests.length);
    expect(allHeld).toBeGreaterThanOrEqual(0);
    expect(probes[allHeld].body.error.requests).toEqual({
      status: 'down',
      message: 'holding: MongoDB unreachable',
      held: requests.length,
    });
    const notHolding = probes
      .slice(allHeld)
      .filter(
        (probe) => probe.status !== 503 || probe.body.error?.requests?.message !== 'holding: MongoDB unreachable',
      );
    expect(notHolding).toEqual([]);
    await waitUntilReady(h.ready, 15_000);
  });

  it('takes its own lease over when the release of its earlier attempt was lost in an outage, instead of postponing', async () => {
    // The first try claims the job, then MongoDB goes away while the LLM is writing; the LLM
    // fails (503), the request goes to a broker retry, and releasing the job cannot reach MongoDB.
    llm.failNext(1, 503).setLatency(1500);
    const request = reportRequest();
    const retriedBefore = await metricValue(h.metrics.retried);
    const postponedBefore = await metricValue(h.metrics.postponed);
    await h.publish(request);
    await waitFor(
      async () =>
        llm.calls === 1 && (await h.db().collection('users').countDocuments({ user_id: request.user_id })) === 1,
      {
        description: 'the LLM call under way, the user stored',
      },
    );
    proxy.cut();
    llm.setLatency(0);
    await waitFor(async () => (await metricValue(h.metrics.retried)) === retriedBefore + 1, {
      timeoutMs: 10_000,
      description: 'the broker retry',
    });
    // The retried delivery is held while the cut lasts.
    await waitFor(async () => (await getJson(h.ready)).body.error?.requests?.held === 1, {
      timeoutMs: 20_000,
      description: 'the retry held',
    });
    proxy.restore();

    // Its job row still names this worker's lease (valid for OPENAI_TIMEOUT_MS + 30 s): the worker
    // must not wait that out behind its own lease ("busy elsewhere", postponed again and again).
    await waitFor(
      async () =>
        h.answers().some((answer) => answer.request_id === request.request_id) ||
        (await metricValue(h.metrics.postponed)) > postponedBefore,
      {
        timeoutMs: 15_000,
        description: 'an answer or a postponement',
      },
    );
    expect(await metricValue(h.metrics.postponed)).toBe(postponedBefore);
    expect(await h.answerTo(request.request_id)).toMatchObject({ status: 'success', attempts: 2, reused: false });
    expect(llm.calls).toBe(2);
    expect(await h.amqp.messageCount(h.dlq)).toBe(0);
  });
});
