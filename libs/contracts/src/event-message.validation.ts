import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { passesCompiledRules } from './compiled-rules';
import { EventMessage } from './event-message';
import { MAX_JSON_DEPTH, nestingDepth } from './json-nesting';

const VALIDATION_OPTIONS = { whitelist: true, forbidNonWhitelisted: true };

export type EventParseResult = { ok: true; event: EventMessage } | { ok: false; reason: string };

/**
 * Checks a delivery's decoded body against the EventMessage contract. Never throws: a bad message
 * is a value the consumer routes to the DLQ, not an exception that would requeue it.
 */
export function parseEventMessage(body: unknown): EventParseResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, reason: 'body is not a JSON object' };
  }
  // class-transformer recurses: a deeply nested body would throw (stack overflow), not fail validation.
  if (nestingDepth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
    return { ok: false, reason: `body nested deeper than ${MAX_JSON_DEPTH} levels` };
  const event = plainToInstance(EventMessage, body);
  if (passesCompiledRules(event, VALIDATION_OPTIONS)) return { ok: true, event };
  const errors = validateSync(event, VALIDATION_OPTIONS);
  if (errors.length > 0) {
    const reason = errors
      .map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join(', ')}`)
      .join('; ');
    return { ok: false, reason: `invalid event (${reason})` };
  }
  return { ok: true, event };
}
