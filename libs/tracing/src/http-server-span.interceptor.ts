import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { Observable } from 'rxjs';
import { markFailed, SpanKind } from './spans';
import { activeTracer } from './tracing.runtime';

interface HttpRequestLike {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  routeOptions?: { url?: string };
}

/**
 * A server span `<METHOD> <route>` around an HTTP handler, continuing the caller's trace when the
 * request carries a W3C `traceparent`. The handler runs inside it, so the spans it starts (a
 * publish) are its children. An app installs it globally only while tracing is on: any interceptor
 * puts each request through Nest's interceptor chain, which costs more than the rest of the
 * ingest path's own work.
 */
@Injectable()
export class HttpServerSpanInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const tracer = activeTracer();
    // Global interceptors also wrap the apps' RabbitMQ handlers, which make spans of their own.
    if (!tracer || execution.getType() !== 'http') return next.handle();
    const http = execution.switchToHttp();
    const request = http.getRequest<HttpRequestLike>();
    const reply = http.getResponse<{ statusCode: number }>();
    const route = request.routeOptions?.url ?? request.url.split('?')[0];
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route } },
      parent,
    );
    return new Observable((subscriber) =>
      context.with(trace.setSpan(parent, span), () =>
        next.handle().subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            const status = error instanceof HttpException ? error.getStatus() : 500;
            span.setAttribute('http.response.status_code', status);
            if (status >= 500) markFailed(span, error);
            span.end();
            subscriber.error(error);
          },
          complete: () => {
            span.setAttribute('http.response.status_code', reply.statusCode);
            span.end();
            subscriber.complete();
          },
        }),
      ),
    );
  }
}
