import {
  FakeOpenAiServer,
  jsonOf,
  ReportAmqpClient,
  reportRequest,
  reportTestEnv,
  reportTestQueues,
  waitFor,
  withEnv,
} from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { ConsumeMessage } from 'amqplib';
import { Connection } from 'mongoose';
import { startReportWorker } from '../support/report-worker.app';

/** One sample of the Prometheus text, e.g. `report_worker_requests_reused_total{kind="content_hash"}`. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('report worker metrics (GET /metrics on the health port)', () => {
  let app: INestApplication;
  let amqp: ReportAmqpClient;
  let base: string;
  let restoreEnv: () => void;
  const llm = new FakeOpenAiServer();
  let env: Record<string, string>;
  let responses: ConsumeMessage[] = [];

  beforeAll(async () => {
    await llm.start();
    env = reportTestEnv('report_metrics', {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: llm.baseUrl,
      OPENAI_TIMEOUT_MS: '2000',
    });
    restoreEnv = withEnv(env);
    app = await startReportWorker({ listen: true });
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    amqp = await new ReportAmqpClient().connect(env.RABBITMQ_URL);
    responses = await amqp.collect(env.RABBITMQ_RESPONSE_QUEUE);
  });

  afterAll(async () => {
    await app
      ?.get<Connection>(getConnectionToken())
      .dropDatabase()
      .catch(() => undefined);
    await app?.close();
    await amqp?.deleteQueues(reportTestQueues(env));
    await amqp?.close();
    restoreEnv?.();
    await llm.stop();
  });

  const scrape = async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return response.text();
  };
  const answered = (id: string) =>
    waitFor(() => responses.map((m) => jsonOf(m)).find((r) => r.request_id === id), {
      description: `response to ${id}`,
    });

  it('counts received, succeeded, reused by kind, failed and dead-lettered requests, and times the stores', async () => {
    const before = await scrape();
    const first = reportRequest();
    await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, first);
    await answered(first.request_id);
    const sameContent = { ...first, request_id: `again-${first.request_id}` };
    await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, sameContent);
    expect(await answered(sameContent.request_id)).toMatchObject({ reused: true, reused_by: 'content_hash' });
    await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, first);
    await waitFor(() => responses.filter((m) => jsonOf(m).request_id === first.request_id).length === 2);
    await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, { request_id: 'bad-metrics', user_id: 'u' });
    await answered('bad-metrics');

    const after = await scrape();
    const delta = (series: string) => sample(after, series) - sample(before, series);
    expect(delta('report_worker_requests_received_total')).toBe(4);
    expect(delta('report_worker_requests_succeeded_total')).toBe(3);
    expect(delta('report_worker_requests_reused_total{kind="content_hash"}')).toBe(1);
    expect(delta('report_worker_requests_reused_total{kind="request_id"}')).toBe(1);
    expect(delta('report_worker_requests_failed_total')).toBe(1);
    expect(delta('report_worker_requests_dead_lettered_total{reason="invalid"}')).toBe(1);
    expect(sample(after, 'report_worker_requests_in_flight')).toBe(0);
    expect(delta('report_worker_request_duration_seconds_count{outcome="generated"}')).toBe(1);
    expect(delta('report_worker_llm_duration_seconds_count{writer="LlmReportWriter",result="ok"}')).toBe(1);
    expect(
      delta('report_worker_dependency_duration_seconds_count{dependency="mongodb",operation="update",result="ok"}'),
    ).toBeGreaterThan(0);
    expect(
      delta('report_worker_dependency_duration_seconds_count{dependency="rabbitmq",operation="respond",result="ok"}'),
    ).toBe(4);
    expect(after).toMatch(/^# TYPE report_worker_request_duration_seconds histogram$/m);
    const requests = env.RABBITMQ_REQUEST_QUEUE;
    expect(delta(`report_worker_delivery_duration_seconds_count{queue="${requests}",outcome="reply"}`)).toBe(4);
  });

  it('counts broker retries, LLM calls by result and tokens', async () => {
    const before = await scrape();
    llm.reset().failNext(1, 503);
    const request = reportRequest();
    await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, request);
    expect(await answered(request.request_id)).toMatchObject({ status: 'success', attempts: 2 });
    const after = await scrape();
    const delta = (series: string) => sample(after, series) - sample(before, series);
    expect(delta('report_worker_requests_retried_total')).toBe(1);
    expect(delta('report_worker_llm_duration_seconds_count{writer="LlmReportWriter",result="error"}')).toBe(1);
    expect(delta('report_worker_llm_tokens_total{generator="llm"}')).toBeGreaterThan(0);
  });

  it('exports the depth and consumers of its queues from the broker, the dead letters among them, and the process metrics', async () => {
    const requests = env.RABBITMQ_REQUEST_QUEUE;
    // The first spec dead-lettered one invalid request; the gauges are read at most every 5 s.
    const text = await waitFor(
      async () => {
        const scraped = await scrape();
        return sample(scraped, `report_worker_queue_messages{queue="${requests}_dlq",role="dlq"}`) >= 1
          ? scraped
          : undefined;
      },
      { timeoutMs: 15_000, description: 'the dead letter counted in the DLQ gauge' },
    );
    expect(sample(text, 'report_worker_broker_up')).toBe(1);
    expect(sample(text, `report_worker_queue_consumers{queue="${requests}",role="requests"}`)).toBe(1);
    expect(text).toMatch(
      new RegExp(
        `^report_worker_queue_messages\\{queue="${env.RABBITMQ_RESPONSE_QUEUE}",role="responses"\\} \\d+$`,
        'm',
      ),
    );
    expect(text).toMatch(/^report_worker_queue_messages\{queue="[^"]+\.retry\.\d+ms",role="retry"\} \d+$/m);
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ])
      expect(text).toMatch(new RegExp(`^${name} \\d`, 'm'));
    expect(text).toMatch(/^# TYPE nodejs_gc_duration_seconds histogram$/m);
  });
});
