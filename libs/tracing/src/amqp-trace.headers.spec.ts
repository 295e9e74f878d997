import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { amqpHeaderGetter, amqpHeaderSetter } from './amqp-trace.headers';

const propagator = new W3CTraceContextPropagator();
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('trace context in AMQP headers', () => {
  it('writes traceparent and tracestate into a message’s headers, beside the headers it has', () => {
    const parent = propagator.extract(
      ROOT_CONTEXT,
      { traceparent: TRACEPARENT, tracestate: 'vendor=1' },
      amqpHeaderGetter,
    );
    const headers: Record<string, unknown> = { 'x-report-attempt': 2 };
    propagator.inject(parent, headers, amqpHeaderSetter);
    expect(headers).toEqual({ 'x-report-attempt': 2, traceparent: TRACEPARENT, tracestate: 'vendor=1' });
  });

  it('reads a traceparent that amqplib hands over as a string or as a Buffer (a long string)', () => {
    for (const traceparent of [TRACEPARENT, Buffer.from(TRACEPARENT)]) {
      const extracted = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, { traceparent }, amqpHeaderGetter));
      expect(extracted).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' });
      expect(extracted?.isRemote).toBe(true);
    }
  });

  it('finds no parent in headers without a usable traceparent', () => {
    for (const headers of [undefined, {}, { traceparent: 42 }, { traceparent: 'not-a-traceparent' }]) {
      expect(trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, amqpHeaderGetter))).toBeUndefined();
    }
    expect(amqpHeaderGetter.keys({ traceparent: TRACEPARENT, 'x-a': 1 })).toEqual(['traceparent', 'x-a']);
    expect(amqpHeaderGetter.keys(undefined)).toEqual([]);
  });

  it('leaves the global API alone: nothing here registers a propagator', () => {
    expect(propagation.fields()).toEqual([]);
    expect(context.active()).toBe(ROOT_CONTEXT);
  });
});
