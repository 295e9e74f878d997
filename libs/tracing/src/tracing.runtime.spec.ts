import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { contextFromHeaders, traceHeaders } from './amqp-trace.headers';
import { currentSpanContext, inSpan, SpanKind } from './spans';
import { activeTracer, startTracing, tracesUrl } from './tracing.runtime';

const mockLoaded: string[] = [];
jest.mock('@opentelemetry/sdk-trace-node', () => {
  mockLoaded.push('@opentelemetry/sdk-trace-node');
  return jest.requireActual('@opentelemetry/sdk-trace-node');
});
jest.mock('@opentelemetry/exporter-trace-otlp-http', () => {
  mockLoaded.push('@opentelemetry/exporter-trace-otlp-http');
  return jest.requireActual('@opentelemetry/exporter-trace-otlp-http');
});

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
/** Nothing listens there; no span is ended in these specs, so nothing is ever sent. */
const NOWHERE = 'http://127.0.0.1:9';

describe('tracing runtime', () => {
  it('is off without an endpoint: no SDK loaded, spans skipped, no headers written or read', async () => {
    const session = startTracing({ endpoint: '', serviceName: 'report-worker', sampleRatio: 1 });
    expect(session.on).toBe(false);
    expect(activeTracer()).toBeUndefined();
    const ran = await inSpan('work', { kind: SpanKind.INTERNAL }, async (span) => {
      expect(span).toBeUndefined();
      expect(currentSpanContext()).toBeUndefined();
      return traceHeaders();
    });
    expect(ran).toEqual({});
    expect(contextFromHeaders({ traceparent: TRACEPARENT })).toBe(ROOT_CONTEXT);
    await session.shutdown();
    expect(mockLoaded).toEqual([]);
  });

  it('with an endpoint loads the SDK, carries the active span in traceparent, and stops with its last session', async () => {
    const first = startTracing({ endpoint: `${NOWHERE}/`, serviceName: 'event-ingest', sampleRatio: 1 });
    const second = startTracing({ endpoint: NOWHERE, serviceName: 'event-ingest', sampleRatio: 1 });
    expect(first).toMatchObject({ on: true, url: `${NOWHERE}/v1/traces` });
    expect(mockLoaded).toEqual(['@opentelemetry/sdk-trace-node', '@opentelemetry/exporter-trace-otlp-http']);

    const parent = contextFromHeaders({ traceparent: TRACEPARENT });
    const tracer = activeTracer()!;
    const span = tracer.startSpan('publish', { kind: SpanKind.PRODUCER }, parent);
    const headers = context.with(trace.setSpan(parent, span), () => traceHeaders());
    expect(headers.traceparent).toBe(`00-0af7651916cd43dd8448eb211c80319c-${span.spanContext().spanId}-01`);

    await first.shutdown();
    await first.shutdown();
    expect(activeTracer()).toBe(tracer);
    await second.shutdown();
    expect(activeTracer()).toBeUndefined();
  });

  it('sends spans to <endpoint>/v1/traces, the OTLP/HTTP path', () => {
    expect(tracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('http://collector:4318/base//')).toBe('http://collector:4318/base/v1/traces');
  });
});
