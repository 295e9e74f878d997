import { REPORT_GENERATE_EVENT_ROUTE, REPORT_PATTERNS } from '@app/contracts';
import { ConsumerDeserializer, IncomingEvent, IncomingRequest } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';

interface AmqpProperties {
  replyTo?: string;
  correlationId?: string;
}

interface NestPacket {
  pattern: string;
  data?: unknown;
  id?: string;
}

function isNestPacket(value: unknown): value is NestPacket {
  return typeof value === 'object' && value !== null && typeof (value as NestPacket).pattern === 'string';
}

/**
 * Makes three kinds of publisher look like Nest packets:
 * - a Nest ClientProxy: `{pattern, data, id}` (send) or `{pattern, data}` (emit): kept;
 * - a plain AMQP client asking for an answer: `{pattern, data}` with `reply_to`: becomes a request
 *   whose id is the correlation id, so Nest replies to `reply_to`;
 * - a plain AMQP client publishing the bare seed-format request (pika's `basic_publish`), or a body
 *   that is not JSON at all: becomes a generate event, so the report handler validates and
 *   dead-letters it instead of Nest dropping it as "no handler".
 * A fire-and-forget generate gets its own internal route: Nest keeps one handler per pattern.
 */
export class ReportMessageDeserializer implements ConsumerDeserializer {
  deserialize(value: unknown, properties?: AmqpProperties): IncomingRequest | IncomingEvent {
    if (!isNestPacket(value)) return { pattern: REPORT_GENERATE_EVENT_ROUTE, data: value };
    const { pattern, data } = value;
    let id = value.id;
    if (id === undefined && properties?.replyTo) id = properties.correlationId ?? randomUUID();
    if (id !== undefined) return { pattern, data, id };
    return { pattern: pattern === REPORT_PATTERNS.generate ? REPORT_GENERATE_EVENT_ROUTE : pattern, data };
  }
}
