import type { Attributes } from '@opentelemetry/api';
import { contextFromHeaders, traceHeaders, type AmqpHeaders } from './amqp-trace.headers';
import { inSpan, SpanKind } from './spans';

interface MessageFacts {
  /** The exchange (or, through the default exchange, the queue) a message goes to or comes from. */
  destination: string;
  messageId?: string;
}

function messagingAttributes(operation: 'send' | 'process', facts: MessageFacts): Attributes {
  return {
    'messaging.system': 'rabbitmq',
    'messaging.operation.type': operation,
    'messaging.destination.name': facts.destination,
    ...(facts.messageId ? { 'messaging.message.id': facts.messageId } : {}),
  };
}

/**
 * A producer span `publish <destination>` around one publish; `publish` receives the headers to
 * add to the message so that its consumer continues the trace (none when tracing is off).
 */
export function inPublishSpan<T>(facts: MessageFacts, publish: (headers: Record<string, string>) => Promise<T>) {
  return inSpan(
    `publish ${facts.destination}`,
    { kind: SpanKind.PRODUCER, attributes: messagingAttributes('send', facts) },
    () => publish(traceHeaders()),
  );
}

/** A consumer span `process <queue>`, child of the span that published the delivery (from its headers). */
export function inConsumeSpan<T>(facts: MessageFacts & { headers: AmqpHeaders }, consume: () => Promise<T>) {
  return inSpan(
    `process ${facts.destination}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: messagingAttributes('process', facts),
      parent: contextFromHeaders(facts.headers),
    },
    consume,
  );
}
