import {
  context,
  type Context,
  propagation,
  ROOT_CONTEXT,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { activeTracer } from './tracing.runtime';

/** AMQP message headers as amqplib hands them over: strings, and long strings that arrive as Buffers. */
export type AmqpHeaders = Record<string, unknown> | undefined;

/** Reads `traceparent`/`tracestate` from a message's headers; other types are ignored. */
export const amqpHeaderGetter: TextMapGetter<AmqpHeaders> = {
  keys: (headers) => Object.keys(headers ?? {}),
  get: (headers, key) => {
    const value = headers?.[key];
    if (typeof value === 'string') return value;
    return Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
  },
};

export const amqpHeaderSetter: TextMapSetter<Record<string, unknown>> = {
  set: (headers, key, value) => {
    headers[key] = value;
  },
};

/** The headers that carry the active span to a consumer (W3C `traceparent`, `tracestate`); none when tracing is off. */
export function traceHeaders(from: Context = context.active()): Record<string, string> {
  const headers: Record<string, string> = {};
  if (activeTracer()) propagation.inject(from, headers, amqpHeaderSetter);
  return headers;
}

/** The producer's span context carried by a delivery, to parent its consumer span; the root when there is none. */
export function contextFromHeaders(headers: AmqpHeaders): Context {
  if (!activeTracer()) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, headers, amqpHeaderGetter);
}
