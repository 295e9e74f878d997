import { eventTopologyNames, REPORT_PATTERNS, reportQueueNames, sinkQueueName } from '@app/contracts';
import { KnowledgeBaseRepository } from '@app/mongo';
import {
  FakeOpenAiServer,
  FakeQdrantServer,
  jsonOf,
  makeEvent,
  OTLP_SPAN_KIND,
  OtlpTraceCollector,
  ReceivedSpan,
  ReportAmqpClient,
  reportRequest,
  reportTestEnv,
  reportTestQueues,
  waitFor,
  withEnv,
} from '@app/testing';
import { ClientProxyFactory, RmqRecordBuilder, Transport } from '@nestjs/microservices';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getConnectionToken } from '@nestjs/mongoose';
import type { ConsumeMessage } from 'amqplib';
import { Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { parseKnowledgeBaseFile } from '../../apps/report-worker/src/knowledge-base/knowledge-base-file.parser';
import { startReportWorker } from '../support/report-worker.app';
import { EventAppHandle, request, startEventApp } from './event-pipeline.harness';

const SAMPLE_KB = join(__dirname, '../../data/knowledge-base/sample.json');

/** A caller's W3C traceparent: a fresh trace id and the caller's span id. */
function callerTrace(): { traceId: string; spanId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** The spans of a trace once every one of `names` has arrived (a parent often ends, and is sent, after its children). */
function traceWith(collector: OtlpTraceCollector, traceId: string, names: string[]): Promise<ReceivedSpan[]> {
  return waitFor(
    () => {
      const spans = collector.trace(traceId);
      return names.every((name) => spans.some((span) => span.name === name)) ? spans : null;
    },
    { timeoutMs: 20_000, description: `spans ${names.join(', ')} of trace ${traceId}` },
  );
}

/** True when `span` sits under `ancestor` in `trace`, however deep. */
function descendsFrom(span: ReceivedSpan, ancestor: ReceivedSpan, trace: ReceivedSpan[]): boolean {
  const byId = new Map(trace.map((each) => [each.spanId, each]));
  for (let parent = span.parentSpanId; parent; parent = byId.get(parent)?.parentSpanId) {
    if (parent === ancestor.spanId) return true;
  }
  return false;
}

/** The one span of `trace` called `name`, failing with what the trace holds when there is not exactly one. */
function only(trace: ReceivedSpan[], name: string): ReceivedSpan {
  const found = trace.filter((span) => span.name === name);
  if (found.length !== 1)
    throw new Error(`${found.length} spans "${name}" in [${trace.map((s) => s.name).join(', ')}]`);
  return found[0];
}

/**
 * Traces over OTLP/HTTP to a collector on loopback: one trace follows an event from POST /events
 * through the broker into the Neo4j and Qdrant writes.
 */
describe('traces exported over OTLP/HTTP', () => {
  jest.setTimeout(60_000);
  const collector = new OtlpTraceCollector();

  beforeAll(async () => {
    await collector.start();
  });

  afterAll(async () => {
    await collector.stop();
  });

  describe('event-ingest: POST /events → broker → processors', () => {
    const qdrant = new FakeQdrantServer();
    let handle: EventAppHandle;

    beforeAll(async () => {
      await qdrant.start();
      qdrant.collections.set('products', { vectors: { size: 4, distance: 'Cosine' }, points: new Map() });
      handle = await startEventApp({
        EVENT_PROCESSORS: 'all',
        QDRANT_URL: qdrant.url,
        QDRANT_VECTOR_SIZE: '4',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      });
      await waitFor(async () => (await request('GET', `${handle.base}/health/ready`)).status === 200, {
        description: 'ready',
      });
    });

    afterAll(async () => {
      await handle?.close();
      await qdrant.stop();
    });

    it('continues the caller’s trace from the API span to the Neo4j and Qdrant writes', async () => {
      const { traceId, spanId: callerSpanId, traceparent } = callerTrace();
      const event = makeEvent(handle.scope);
      const posted = await request('POST', `${handle.base}/events`, event, { traceparent });
      expect(posted.status).toBe(202);

      const names = eventTopologyNames(handle.scope);
      const sinks = ['neo4j', 'qdrant'] as const;
      const trace = await traceWith(collector, traceId, [
        'POST /events',
        `publish ${names.exchange}`,
        ...sinks.flatMap((sink) => [`process ${sinkQueueName(names, sink)}`, `${sink} write`]),
      ]);
      const api = only(trace, 'POST /events');
      const publish = only(trace, `publish ${names.exchange}`);
      expect(api).toMatchObject({ service: 'event-ingest', kind: OTLP_SPAN_KIND.server, parentSpanId: callerSpanId });
      expect(api.attributes['http.response.status_code']).toBe(202);
      expect(publish).toMatchObject({ kind: OTLP_SPAN_KIND.producer, parentSpanId: api.spanId });
      expect(publish.attributes['messaging.message.id']).toBe(event.event_id);
      for (const sink of sinks) {
        const consume = only(trace, `process ${sinkQueueName(names, sink)}`);
        expect(consume).toMatchObject({ kind: OTLP_SPAN_KIND.consumer, parentSpanId: publish.spanId });
        const write = only(trace, `${sink} write`);
        expect(write).toMatchObject({ kind: OTLP_SPAN_KIND.client, parentSpanId: consume.spanId, status: 0 });
        expect(write.attributes['db.system.name']).toBe(sink);
      }
      expect(collector.refused).toBe(0);
    });
  });
  describe('report worker: request → MongoDB, Redis, LLM → response', () => {
    const llm = new FakeOpenAiServer();
    const env = reportTestEnv('report_traces', {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_TIMEOUT_MS: '10000',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    let restoreEnv: () => void;
    let app: NestFastifyApplication;
    let amqp: ReportAmqpClient;
    let responses: ConsumeMessage[];

    beforeAll(async () => {
      await llm.start();
      restoreEnv = withEnv({ ...env, OPENAI_BASE_URL: llm.baseUrl, OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint });
      app = await startReportWorker();
      await app.get(KnowledgeBaseRepository).upsertMany(parseKnowledgeBaseFile(readFileSync(SAMPLE_KB, 'utf8')));
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
      await llm.stop();
      restoreEnv?.();
    });

    it('continues a raw caller’s trace through MongoDB, Redis and the LLM to the response, which carries it on', async () => {
      const caller = callerTrace();
      const report = reportRequest();
      await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, report, { headers: { traceparent: caller.traceparent } });
      const response = await waitFor(
        () => responses.find((message) => jsonOf(message).request_id === report.request_id),
        { timeoutMs: 20_000, description: 'the response' },
      );
      expect(jsonOf(response)).toMatchObject({ status: 'success', generator: 'llm' });

      const trace = await traceWith(collector, caller.traceId, [
        `process ${env.RABBITMQ_REQUEST_QUEUE}`,
        'chat gpt-4o-mini',
        `publish ${env.RABBITMQ_RESPONSE_QUEUE}`,
      ]);
      const consume = only(trace, `process ${env.RABBITMQ_REQUEST_QUEUE}`);
      expect(consume).toMatchObject({
        service: 'report-worker',
        kind: OTLP_SPAN_KIND.consumer,
        parentSpanId: caller.spanId,
      });
      const underConsume = (span: ReceivedSpan) => descendsFrom(span, consume, trace);
      const mongo = trace.filter((span) => span.attributes['db.system.name'] === 'mongodb');
      // The job's claim (an update of its row), the report, and the job's completion.
      expect(mongo.map((span) => span.name)).toEqual(
        expect.arrayContaining(['update report_jobs', 'insert medical_reports']),
      );
      expect(mongo.every(underConsume)).toBe(true);
      const redis = trace.filter((span) => span.attributes['db.system.name'] === 'redis');
      expect(redis.map((span) => span.name)).toEqual(expect.arrayContaining(['redis set report', 'redis set input']));
      expect(redis.every(underConsume)).toBe(true);
      const chat = only(trace, 'chat gpt-4o-mini');
      expect(chat).toMatchObject({ kind: OTLP_SPAN_KIND.client, status: 0 });
      expect(underConsume(chat)).toBe(true);
      expect(chat.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
      const publish = only(trace, `publish ${env.RABBITMQ_RESPONSE_QUEUE}`);
      expect(publish).toMatchObject({ kind: OTLP_SPAN_KIND.producer, parentSpanId: consume.spanId });

      const carried = String(response.properties.headers?.traceparent);
      expect(carried).toBe(`00-${caller.traceId}-${publish.spanId}-01`);
    });

    it('continues the trace of a Nest send() caller that sets traceparent through RmqRecordBuilder', async () => {
      const caller = callerTrace();
      const client = ClientProxyFactory.create({
        transport: Transport.RMQ,
        options: { urls: [env.RABBITMQ_URL], queue: env.RABBITMQ_REQUEST_QUEUE, noAssert: true },
      });
      try {
        const record = new RmqRecordBuilder(reportRequest()).setOptions({
          headers: { traceparent: caller.traceparent },
        });
        const replies = await lastValueFrom(client.send(REPORT_PATTERNS.generate, record.build()).pipe(toArray()));
        expect(replies[replies.length - 1]).toMatchObject({ status: 'success' });
      } finally {
        await client.close();
      }
      const trace = await traceWith(collector, caller.traceId, [
        `process ${env.RABBITMQ_REQUEST_QUEUE}`,
        'chat gpt-4o-mini',
      ]);
      const consume = only(trace, `process ${env.RABBITMQ_REQUEST_QUEUE}`);
      expect(consume.parentSpanId).toBe(caller.spanId);
      expect(descendsFrom(only(trace, 'chat gpt-4o-mini'), consume, trace)).toBe(true);
    });

    it('keeps the caller’s traceparent on the dead-letter copy of a request it refuses, and answers in the same trace', async () => {
      const caller = callerTrace();
      const requestId = `trace-invalid-${randomBytes(4).toString('hex')}`;
      await amqp.publish(
        env.RABBITMQ_REQUEST_QUEUE,
        { request_id: requestId, user_id: 'u-1' },
        { headers: { traceparent: caller.traceparent } },
      );
      const response = await waitFor(() => responses.find((message) => jsonOf(message).request_id === requestId), {
        description: 'the failed answer',
      });
      expect(jsonOf(response)).toMatchObject({ status: 'failed' });
      expect(String(response.properties.headers?.traceparent)).toMatch(new RegExp(`^00-${caller.traceId}-`));
      const letter = await waitFor(() => amqp.takeOne(reportQueueNames(env.RABBITMQ_REQUEST_QUEUE).deadLetterQueue), {
        description: 'the dead letter',
      });
      expect(String(letter.properties.headers?.traceparent)).toBe(caller.traceparent);
    });
  });
});
