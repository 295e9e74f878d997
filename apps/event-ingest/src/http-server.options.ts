import type { HttpServerEnv } from '@app/config';
import type { FastifyHttpOptions } from 'fastify';
import type { Server } from 'node:http';

/** Node looks for requests past their deadline every this often by default; a short timeout needs it shorter. */
const NODE_CHECK_INTERVAL_MS = 30_000;

/**
 * Fastify's options for the API (and a worker's health port): the body limit, who the client is,
 * and how long a client may take to send its request.
 *
 * Behind a proxy (HTTP_TRUST_PROXY) one hop is trusted: the client is the address that proxy
 * appended to X-Forwarded-For, not the leftmost entry, which the client itself may have written.
 *
 * A client that sends its headers or body a byte at a time, or never finishes them, holds a
 * socket and a parser for as long as it likes; HTTP_REQUEST_TIMEOUT_MS ends that with a 408 and a
 * closed connection. Node checks for such requests every `connectionsCheckingInterval`: a quarter
 * of the timeout, so the cut comes within 1.25 times the timeout.
 *
 * No idle timeout on a connection whose request has arrived (Fastify's connectionTimeout stays 0):
 * the answer may wait for the broker's confirm (EVENTS_PUBLISH_TIMEOUT_MS) on a quiet socket. A
 * keep-alive connection idle between requests closes after Fastify's keepAliveTimeout (72 s, above
 * the 60 s idle timeout of common load balancers, so they close first and never send into a socket
 * the API just closed).
 */
/** Trusts the peer (the proxy in front) and nothing behind it: its X-Forwarded-For entry is the client. */
function trustTheNearestProxy(_address: string, hop: number): boolean {
  return hop === 0;
}

export function httpServerOptions(settings: HttpServerEnv): FastifyHttpOptions<Server> {
  const requestTimeout = settings.HTTP_REQUEST_TIMEOUT_MS;
  return {
    bodyLimit: settings.EVENTS_BODY_LIMIT_BYTES,
    trustProxy: settings.HTTP_TRUST_PROXY ? trustTheNearestProxy : false,
    requestTimeout,
    http: {
      requestTimeout,
      headersTimeout: Math.min(60_000, requestTimeout),
      connectionsCheckingInterval: Math.min(NODE_CHECK_INTERVAL_MS, Math.max(50, Math.floor(requestTimeout / 4))),
    },
  };
}
