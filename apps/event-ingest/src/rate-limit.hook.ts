import rateLimit from '@fastify/rate-limit';
import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyAdapter } from '@nestjs/platform-fastify';

/** Kubernetes probes and metric scrapes come often, from few addresses, and must never be refused. */
const EXEMPT_ROUTES = /^\/(health|metrics)(\/|$)/;

/**
 * At most `perMinute` requests per client a minute on every route but the exempt ones (0: no
 * limit); over it, 429 with Retry-After (seconds until the client's minute ends) and the API's
 * error body. The client is `request.ip`: the peer address, or X-Forwarded-For's client when
 * HTTP_TRUST_PROXY is true. Counted in this process: behind a load balancer each instance counts
 * its own share. Registered on the adapter, before Nest adds its routes, so it sees every route.
 */
export function limitRequestRate(adapter: FastifyAdapter, perMinute: number): void {
  if (perMinute === 0) return;
  void adapter.getInstance().register(rateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    // Checked before the body is read or parsed: a refused request costs next to nothing.
    hook: 'onRequest',
    allowList: (request) => EXEMPT_ROUTES.test(request.routeOptions.url ?? ''),
    // Thrown to Nest's exception layer, which answers the body as the API's other errors are shaped.
    errorResponseBuilder: (_request, context) =>
      new HttpException(
        {
          statusCode: HttpStatus.TOO_MANY_REQUESTS,
          error: 'Too Many Requests',
          message: `more than ${context.max} requests a minute from this client: retry in ${context.after}`,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      ),
  });
}
