import { IntersectionType, PickType } from '@nestjs/mapped-types';
import { EventsEnv } from './sections/events.env';
import { HttpLimitsEnv } from './sections/http.env';
import { readEnvironment } from './settings.loader';
import { validateSettings } from './settings.validation';

/** The settings the HTTP server is built with, before Nest builds the app and reads the rest. */
export class HttpServerEnv extends IntersectionType(
  HttpLimitsEnv,
  PickType(EventsEnv, ['EVENTS_BODY_LIMIT_BYTES'] as const),
) {}

/** The HTTP server's settings from the environment over the .env file, validated. */
export function httpServerSettings(env: NodeJS.ProcessEnv = process.env): HttpServerEnv {
  return validateSettings(HttpServerEnv, readEnvironment(env));
}
