import { withTimeout } from '@app/common';
import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as Core from '@opentelemetry/core';
import type * as Resources from '@opentelemetry/resources';
import type * as TraceBase from '@opentelemetry/sdk-trace-base';
import type * as TraceNode from '@opentelemetry/sdk-trace-node';

export interface TracingOptions {
  /** OTLP/HTTP base URL; empty leaves tracing off. */
  endpoint: string;
  serviceName: string;
  /** Share of new traces recorded, 0 to 1; a continued trace keeps its caller's decision. */
  sampleRatio: number;
}

/** What an app holds while it traces: shutting it down flushes the spans still buffered. */
export interface TracingSession {
  readonly on: boolean;
  /** Where spans go (`<endpoint>/v1/traces`), when on. */
  readonly url?: string;
  shutdown(): Promise<void>;
}

interface Runtime {
  tracer: Tracer;
  url: string;
  sessions: number;
  stop(): Promise<void>;
}

/** Longest a shutdown waits for the collector to take the spans still buffered. */
const SHUTDOWN_FLUSH_MS = 5_000;

/** Instrumentation scope of every span of both apps. */
const SCOPE = 'nest-rmq-platform';

const OFF: TracingSession = { on: false, shutdown: () => Promise.resolve() };

/** One SDK per process, shared by the apps a process runs (tests boot several); the last to shut down stops it. */
let runtime: Runtime | undefined;

/** The SDK's tracer while tracing is on; undefined when off, so callers skip spans altogether. */
export function activeTracer(): Tracer | undefined {
  return runtime?.tracer;
}

/**
 * Starts the OpenTelemetry SDK when an endpoint is set: spans batched to OTLP/HTTP (JSON), W3C
 * trace context, and context that follows async calls. Without an endpoint nothing is loaded: the
 * SDK packages are required here only, and spans are skipped.
 */
export function startTracing(options: TracingOptions): TracingSession {
  if (!options.endpoint) return OFF;
  runtime ??= createRuntime(options);
  const current = runtime;
  current.sessions++;
  let ended = false;
  return {
    on: true,
    url: current.url,
    async shutdown() {
      if (ended) return;
      ended = true;
      if (--current.sessions > 0) return;
      if (runtime === current) runtime = undefined;
      await current.stop();
    },
  };
}

/** `<base>/v1/traces`, the OTLP/HTTP traces path under OTEL_EXPORTER_OTLP_ENDPOINT. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

function createRuntime(options: TracingOptions): Runtime {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof TraceNode;
  const { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } =
    require('@opentelemetry/sdk-trace-base') as typeof TraceBase;
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp;
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof Resources;
  const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof Core;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const url = tracesUrl(options.endpoint);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return {
    tracer: provider.getTracer(SCOPE),
    url,
    sessions: 0,
    async stop() {
      try {
        await withTimeout(provider.shutdown(), SHUTDOWN_FLUSH_MS, 'flushing the last spans');
      } catch {
        // A collector that does not answer costs its last spans, not a slower shutdown.
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
}
