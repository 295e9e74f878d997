import {
  type Attributes,
  context,
  type Context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  type SpanContext,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { activeTracer } from './tracing.runtime';

export { SpanKind };

export interface SpanSpec {
  kind: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** The parent; default: the active span, if any. */
  parent?: Context;
}

/**
 * Runs `run` inside a span that ends when it settles, marked failed (with the exception) when it
 * throws. With tracing off it only calls `run`.
 */
export function inSpan<T>(name: string, spec: SpanSpec, run: (span?: Span) => Promise<T>): Promise<T> {
  const tracer = activeTracer();
  if (!tracer) return run();
  const { parent = context.active(), ...options } = spec;
  return tracer.startActiveSpan(name, options, parent, async (span) => {
    try {
      return await run(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

export function markFailed(span: Span, error: unknown): void {
  const failure = error instanceof Error ? error : new Error(String(error));
  span.recordException(failure);
  span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
}

/** The active span's context, to parent or link work done later elsewhere (a batch); undefined when off. */
export function currentSpanContext(): SpanContext | undefined {
  if (!activeTracer()) return undefined;
  return trace.getSpanContext(context.active());
}

/**
 * Parent and links of one span over work gathered from several messages (a batched write): the
 * first message's span is the parent, so a lone message reads as one tree, and every message's
 * span is linked, so each trace finds the write it went into.
 */
export function batchParentage(spans: Array<SpanContext | undefined>): Pick<SpanSpec, 'parent' | 'links'> {
  const known = spans.filter((span): span is SpanContext => span !== undefined);
  if (known.length === 0) return {};
  return {
    parent: trace.setSpanContext(ROOT_CONTEXT, known[0]),
    links: known.length > 1 ? known.map((span) => ({ context: span })) : undefined,
  };
}
