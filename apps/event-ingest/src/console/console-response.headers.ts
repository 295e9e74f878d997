import type { FastifyInstance } from 'fastify';

/**
 * Every console response: its own files only (no inline script, no other origin), never framed,
 * never cached (the API answers with queue contents and report ids), no referrer sent on.
 */
export const CONSOLE_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** Set before routing, so refusals (401, 404) carry them too. */
export function secureConsoleResponses(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.url === '/console' || request.url.startsWith('/console/')) reply.headers(CONSOLE_HEADERS);
    done();
  });
}
