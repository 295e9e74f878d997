import type { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { parse as parseJson } from 'secure-json-parse';

type Done = (error: Error | null, body?: unknown) => void;

/**
 * The API takes JSON only, and says exactly what is wrong with a body it refuses. Replaces the
 * parsers Nest would register (Fastify's JSON parser answers every failure with "Body is not valid
 * JSON", a `__proto__` key included; text and form bodies reached validation as strings and
 * objects): invalid JSON answers 400 with the parser's reason and position, a prototype-poisoning
 * key 400 naming it, and any other media type 415 naming the type it got.
 */
export function acceptJsonBodiesOnly(adapter: FastifyAdapter): void {
  adapter.getInstance().removeAllContentTypeParsers();
  adapter.useBodyParser('application/json', false, undefined, parseJsonBody);
  adapter.getInstance().addContentTypeParser('*', refuseMediaType);
}

function parseJsonBody(_request: FastifyRequest, body: Buffer, done: Done): void {
  if (body.length === 0) return done(httpError(400, 'body is empty: send a JSON object'));
  try {
    done(null, parseJson(body, undefined, { protoAction: 'error', constructorAction: 'error' }));
  } catch (error) {
    const reason = (error as Error).message;
    if (/forbidden (prototype|constructor) property/.test(reason)) {
      return done(httpError(400, 'body has a forbidden key (__proto__ or constructor.prototype)'));
    }
    done(httpError(400, `body is not valid JSON: ${reason}`));
  }
}

function refuseMediaType(request: FastifyRequest, _payload: unknown, done: Done): void {
  const type = request.headers['content-type'];
  const got = type ? `Content-Type "${type}" is not accepted` : 'a body without Content-Type is not accepted';
  done(httpError(415, `${got}: send the body as application/json`));
}

function httpError(statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { statusCode });
}
