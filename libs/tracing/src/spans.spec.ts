import { SpanStatusCode, trace, TraceFlags, type Span } from '@opentelemetry/api';
import { batchParentage, inSpan, SpanKind } from './spans';
import { startTracing } from './tracing.runtime';

// Spans go to memory instead of a collector: a unit spec does no I/O.
jest.mock('@opentelemetry/exporter-trace-otlp-http', () => {
  const { InMemorySpanExporter } = jest.requireActual('@opentelemetry/sdk-trace-base');
  return { OTLPTraceExporter: class extends InMemorySpanExporter {} };
});

const spanContext = (spanId: string) => ({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId,
  traceFlags: TraceFlags.SAMPLED,
});

describe('batchParentage', () => {
  it('hangs a batch of one under its message’s span, with no links', () => {
    const only = spanContext('00000000000000a1');
    const { parent, links } = batchParentage([only]);
    expect(trace.getSpanContext(parent!)).toEqual(only);
    expect(links).toBeUndefined();
  });

  it('hangs a larger batch under the first message’s span and links every message’s span', () => {
    const spans = [spanContext('00000000000000a1'), undefined, spanContext('00000000000000a3')];
    const { parent, links } = batchParentage(spans);
    expect(trace.getSpanContext(parent!)).toEqual(spans[0]);
    expect(links).toEqual([{ context: spans[0] }, { context: spans[2] }]);
  });

  it('gives no parent when no message was traced (tracing off)', () => {
    expect(batchParentage([undefined, undefined])).toEqual({});
  });
});

describe('inSpan with tracing on', () => {
  const session = startTracing({ endpoint: 'http://127.0.0.1:9', serviceName: 'spec', sampleRatio: 1 });
  afterAll(() => session.shutdown());

  it('ends the span when the work settles, marked failed with the exception when it throws', async () => {
    let failed: Span | undefined;
    await expect(
      inSpan('neo4j write', { kind: SpanKind.CLIENT }, async (span) => {
        failed = span;
        throw new Error('Neo4j away');
      }),
    ).rejects.toThrow('Neo4j away');
    const recorded = failed as unknown as {
      ended: boolean;
      status: { code: number; message?: string };
      events: unknown[];
    };
    expect(recorded.ended).toBe(true);
    expect(recorded.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Neo4j away' });
    expect(recorded.events).toHaveLength(1);

    let fine: Span | undefined;
    expect(await inSpan('qdrant write', { kind: SpanKind.CLIENT }, async (span) => ((fine = span), 7))).toBe(7);
    expect((fine as unknown as { ended: boolean; status: { code: number } }).status.code).toBe(SpanStatusCode.UNSET);
  });
});
