import type { FastifyInstance } from 'fastify';
import type { EventIngestMetrics } from './metrics/event-ingest.metrics';

/** The route label of a request no route matched (a 404): one series, whatever URLs are tried. */
const UNMATCHED_ROUTE = 'unmatched';

/**
 * Times every request on this port, labelled by the route's template (`/rabbitmq/queues/:name`,
 * never the raw URL, so a scan of random paths adds no series), method and status. Fastify's own
 * clock: from the request's arrival to the answer written.
 */
export function observeHttpRequests(instance: FastifyInstance, metrics: EventIngestMetrics): void {
  instance.addHook('onResponse', (request, reply, done) => {
    metrics.http.observe(
      { method: request.method, route: request.routeOptions.url ?? UNMATCHED_ROUTE, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
