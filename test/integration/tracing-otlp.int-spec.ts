import { eventTopologyNames, sinkQueueName } from '@app/contracts';
import { FakeQdrantServer, makeEvent, OTLP_SPAN_KIND, OtlpTraceCollector, ReceivedSpan, waitFor } from '@app/testing';
import { randomBytes } from 'node:crypto';
import { EventAppHandle, request, startEventApp } from './event-pipeline.harness';

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
      const traceId = randomBytes(16).toString('hex');
      const callerSpanId = randomBytes(8).toString('hex');
      const event = makeEvent(handle.scope);
      const posted = await request('POST', `${handle.base}/events`, event, {
        traceparent: `00-${traceId}-${callerSpanId}-01`,
      });
      expect(posted.status).toBe(202);

      const trace = await waitFor(
        () => {
          const spans = collector.trace(traceId);
          const names = spans.map((span) => span.name);
          return names.includes('neo4j write') && names.includes('qdrant write') ? spans : null;
        },
        { timeoutMs: 20_000, description: 'the write spans of the trace' },
      );
      const names = eventTopologyNames(handle.scope);
      const api = only(trace, 'POST /events');
      const publish = only(trace, `publish ${names.exchange}`);
      expect(api).toMatchObject({ service: 'event-ingest', kind: OTLP_SPAN_KIND.server, parentSpanId: callerSpanId });
      expect(api.attributes['http.response.status_code']).toBe(202);
      expect(publish).toMatchObject({ kind: OTLP_SPAN_KIND.producer, parentSpanId: api.spanId });
      expect(publish.attributes['messaging.message.id']).toBe(event.event_id);
      for (const sink of ['neo4j', 'qdrant'] as const) {
        const consume = only(trace, `process ${sinkQueueName(names, sink)}`);
        expect(consume).toMatchObject({ kind: OTLP_SPAN_KIND.consumer, parentSpanId: publish.spanId });
        const write = only(trace, `${sink} write`);
        expect(write).toMatchObject({ kind: OTLP_SPAN_KIND.client, parentSpanId: consume.spanId, status: 0 });
        expect(write.attributes['db.system.name']).toBe(sink);
      }
      expect(collector.refused).toBe(0);
    });
  });
});
