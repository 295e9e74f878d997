import { KnowledgeBaseRepository } from '@app/mongo';
import {
  FakeOpenAiServer,
  jsonOf,
  openStoredReport,
  ReportAmqpClient,
  reportRequest,
  reportTestEnv,
  reportTestQueues,
  serviceUrls,
  TcpOutageProxy,
  waitFor,
} from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { ConsumeMessage } from 'amqplib';
import { Connection } from 'mongoose';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseKnowledgeBaseFile } from '../../apps/report-worker/src/knowledge-base/knowledge-base-file.parser';
import { ReportQueryService } from '../../apps/report-worker/src/reports/report-query.service';
import { RequestHoldService } from '../../apps/report-worker/src/reports/request-hold.service';
import { startReportWorker } from '../support/report-worker.app';

const SAMPLE_KB = join(__dirname, '../../data/knowledge-base/sample.json');

async function startWorker(env: Record<string, string>): Promise<INestApplication> {
  Object.assign(process.env, env);
  return startReportWorker();
}

/** One worker, its queues and a response collector; the spec's own fixture. */
async function harness(env: Record<string, string>) {
  const app = await startWorker(env);
  const amqp = await new ReportAmqpClient().connect(env.RABBITMQ_URL);
  const responses: ConsumeMessage[] = await amqp.collect(env.RABBITMQ_RESPONSE_QUEUE);
  const requests = env.RABBITMQ_REQUEST_QUEUE;
  const db = () => app.get<Connection>(getConnectionToken());
  return {
    app,
    amqp,
    db,
    dlq: `${requests}_dlq`,
    publish: (body: unknown) => amqp.publish(requests, body),
    responsesFor: (id: string) => responses.map((m) => jsonOf(m)).filter((r) => r.request_id === id),
    responseFor: (id: string, timeoutMs = 10_000) =>
      waitFor(() => responses.map((m) => jsonOf(m)).find((r) => r.request_id === id), {
        timeoutMs,
        description: `response to ${id}`,
      }),
    async close() {
      await db()
        .dropDatabase()
        .catch(() => undefined);
      await app.close();
      await amqp.deleteQueues(reportTestQueues(env));
      await amqp.close();
    },
  };
}

describe('report worker reliability with the LLM writer (fake OpenAI over the real SDK)', () => {
  const llm = new FakeOpenAiServer();
  let h: Awaited<ReturnType<typeof harness>>;

  beforeAll(async () => {
    await llm.start();
    h = await harness(
      reportTestEnv('report_reliability', {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: llm.baseUrl,
        OPENAI_TIMEOUT_MS: '2000',
      }),
    );
    const kb = h.app.get(KnowledgeBaseRepository);
    const entries = parseKnowledgeBaseFile(readFileSync(SAMPLE_KB, 'utf8'));
    expect(await kb.upsertMany(entries)).toEqual({ inserted: entries.length, updated: 0 });
    // Importing the same file again changes nothing.
    expect(await kb.upsertMany(entries)).toEqual({ inserted: 0, updated: 0 });
  });

  afterAll(async () => {
    await h?.close();
    await llm.stop();
  });

  beforeEach(() => llm.reset());

  it('writes with the LLM: category sections citing knowledge-base ids, tokens and cost recorded', async () => {
    const request = reportRequest();
    await h.publish(request);
    const response = await h.responseFor(request.request_id);
    expect(response).toMatchObject({ status: 'success', generator: 'llm', reused: false });
    const stored = await h.db().collection('medical_reports').findOne({ report_id: response.report_id });
    expect(stored!.tokens_used).toBeGreaterThan(0);
    expect(stored!.estimated_cost).toBeGreaterThan(0);
    const content = openStoredReport(stored as never);
    expect((content.report_data.sections as Array<{ category: string }>).map((s) => s.category)).toEqual(
      expect.arrayContaining(['cholesterol', 'blood_pressure', 'blood_sugar', 'physical_activity']),
    );
    expect(content.markdown_content).toMatch(/\[kb-chol-001\]/);
    expect(content.report_data.references).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'kb-bp-001' })]),
    );
    expect(llm.calls).toBe(1);
  });

  it('handles the same request published twice with one LLM call and one document', async () => {
    const request = reportRequest();
    await h.publish(request);
    await h.publish(request);
    await waitFor(() => h.responsesFor(request.request_id).length === 2, { description: 'two responses' });
    const [first, second] = h.responsesFor(request.request_id);
    expect(second.report_id).toBe(first.report_id);
    expect([first.reused, second.reused].sort()).toEqual([false, true]);
    expect(await h.db().collection('medical_reports').countDocuments({ request_id: request.request_id })).toBe(1);
    expect(llm.calls).toBe(1);
  });

  it('retries through the broker when the LLM fails twice, then writes one report', async () => {
    llm.failNext(1, 429).failNext(1, 503);
    const request = reportRequest();
    await h.publish(request);
    const response = await h.responseFor(request.request_id);
    expect(response).toMatchObject({ status: 'success', attempts: 3 });
    expect(llm.calls).toBe(3);
    expect(h.responsesFor(request.request_id)).toHaveLength(1);
    expect(await h.db().collection('medical_reports').countDocuments({ request_id: request.request_id })).toBe(1);
    const job = await h.db().collection('report_jobs').findOne({ request_id: request.request_id });
    expect(job).toMatchObject({ status: 'completed', attempts: 3 });
  });

  it('dead-letters with a failed response after MAX_RETRIES transient failures', async () => {
    llm.failNext(4, 500);
    const before = await h.amqp.messageCount(h.dlq);
    const request = reportRequest();
    await h.publish(request);
    const response = await h.responseFor(request.request_id);
    expect(response).toMatchObject({ status: 'failed', report_id: '', attempts: 4 });
    expect(response.error_message).toMatch(/LLM error 500/);
    expect(llm.calls).toBe(4);
    await waitFor(async () => (await h.amqp.messageCount(h.dlq)) === before + 1);
    expect(await h.db().collection('report_jobs').findOne({ request_id: request.request_id })).toMatchObject({
      status: 'failed',
    });
  });

  it('dead-letters at once when the LLM rejects the request as malformed (400)', async () => {
    llm.failNext(1, 400);
    const request = reportRequest();
    await h.publish(request);
    expect(await h.responseFor(request.request_id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(llm.calls).toBe(1);
  });

  it('reuses the stored report for identical input of the same user (content hash), not for another user', async () => {
    const first = reportRequest();
    await h.publish(first);
    const original = await h.responseFor(first.request_id);
    const again = { ...first, request_id: 'again-' + first.request_id };
    await h.publish(again);
    expect(await h.responseFor(again.request_id)).toMatchObject({
      report_id: original.report_id,
      reused: true,
      reused_by: 'content_hash',
    });
    const otherUser = { ...first, request_id: 'other-' + first.request_id, user_id: `someone-else-${first.user_id}` };
    await h.publish(otherUser);
    expect(await h.responseFor(otherUser.request_id)).toMatchObject({ status: 'success', reused: false });
    expect(llm.calls).toBe(2);
  });
});

describe('report worker when MongoDB or Redis is unreachable (TCP proxies, shared services untouched)', () => {
  const mongoTarget = new URL(serviceUrls.mongodb);
  const redisTarget = new URL(serviceUrls.redis);
  const mongoProxy = new TcpOutageProxy(mongoTarget.hostname, Number(mongoTarget.port || 27017));
  const redisProxy = new TcpOutageProxy(redisTarget.hostname, Number(redisTarget.port || 6379));
  let h: Awaited<ReturnType<typeof harness>>;

  beforeAll(async () => {
    await mongoProxy.start();
    await redisProxy.start();
    const env = reportTestEnv('report_outage', {
      REPORT_RETRY_DELAYS_MS: '1000,1000,10000',
      REPORT_READERS: 'outage-reader:*',
    });
    env.MONGODB_URI = mongoProxy.url(env.MONGODB_URI);
    env.REDIS_URL = redisProxy.url(env.REDIS_URL);
    h = await harness(env);
  });

  afterAll(async () => {
    mongoProxy.restore();
    redisProxy.restore();
    await h?.close();
    await mongoProxy.stop();
    await redisProxy.stop();
  });

  it('completes reports while Redis is down (cache skipped)', async () => {
    redisProxy.cut();
    const request = reportRequest();
    await h.publish(request);
    const response = await h.responseFor(request.request_id);
    expect(response.status).toBe('success');
    redisProxy.restore();
  });

  it('holds the request while MongoDB is down, without a broker retry, and completes once it is back', async () => {
    mongoProxy.cut();
    const request = reportRequest();
    await h.publish(request);
    const hold = h.app.get(RequestHoldService);
    const retryQueue = `${process.env.RABBITMQ_REQUEST_QUEUE}.retry.1000ms`; // the first of REPORT_RETRY_DELAYS_MS
    await waitFor(async () => hold.status.held === 1 || (await h.amqp.messageCount(retryQueue)) > 0, {
      timeoutMs: 15_000,
      intervalMs: 100,
      description: 'the request held',
    });
    expect(await h.amqp.messageCount(retryQueue)).toBe(0);
    expect(hold.status.causes).toEqual(['MongoDB unreachable']);
    expect(h.responsesFor(request.request_id)).toHaveLength(0);
    mongoProxy.restore();
    expect(await h.responseFor(request.request_id, 30_000)).toMatchObject({ status: 'success', attempts: 1 });
    expect(hold.status.held).toBe(0);
  }, 60_000);

  it('serves a cached report from MongoDB while Redis is down', async () => {
    const request = reportRequest();
    await h.publish(request);
    const { report_id } = await h.responseFor(request.request_id);
    const reports = h.app.get(ReportQueryService);
    const reader = { id: 'outage-reader', via: 'broker_user' as const };
    const sourceOf = async () => {
      const answer = await reports.get(reader, { report_id });
      return 'source' in answer ? answer.source : undefined;
    };
    await waitFor(async () => (await sourceOf()) === 'cache', {
      description: 'the report in the cache',
    });
    redisProxy.cut();
    // The cache holds it, but with Redis away the answer is read from MongoDB.
    expect(await reports.get(reader, { report_id })).toMatchObject({
      found: true,
      source: 'database',
      report: { report_id, request_id: request.request_id, user_id: request.user_id },
    });
    redisProxy.restore();
  });
});
