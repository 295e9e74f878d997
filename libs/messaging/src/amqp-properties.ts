import type { Options } from 'amqplib';
import type { DeliveryProperties } from './delivery-outcome';

/** AMQP encodes these properties (and header names) as short strings: at most 255 bytes of UTF-8. */
const SHORT_STRING_PROPERTIES = [
  'contentType',
  'contentEncoding',
  'correlationId',
  'replyTo',
  'expiration',
  'messageId',
  'type',
  'userId',
  'appId',
] as const satisfies ReadonlyArray<keyof Options.Publish>;

const AMQP_SHORT_STRING_MAX_BYTES = 255;

function fitsShortString(value: unknown): boolean {
  return typeof value !== 'string' || Buffer.byteLength(value, 'utf8') <= AMQP_SHORT_STRING_MAX_BYTES;
}

/**
 * Publish options without the short-string properties and header names that do not fit. amqplib
 * takes the confirm slot of a publish before it encodes the frame, so a property it cannot encode
 * throws after the slot is taken: that message is never sent yet counted as confirmed, and every
 * later confirm on the channel goes to the wrong publish. Dropping such a property (the body still
 * carries the ids) keeps the message and the confirms right. Header values are long strings: kept.
 */
export function boundedPublishOptions(options: Options.Publish): Options.Publish {
  const bounded: Options.Publish = { ...options };
  for (const key of SHORT_STRING_PROPERTIES) if (!fitsShortString(bounded[key])) delete bounded[key];
  if (options.headers) {
    bounded.headers = Object.fromEntries(Object.entries(options.headers).filter(([name]) => fitsShortString(name)));
  }
  return bounded;
}

/**
 * Publish options of a copy of a delivered message (a retry, a dead letter, a replay): the same
 * properties, so RPC callers still get their answer, persistent, with the given headers.
 */
export function copiedPublishOptions(
  properties: DeliveryProperties,
  headers: Record<string, unknown>,
): Options.Publish {
  const { contentType, contentEncoding, correlationId, replyTo, messageId, priority, timestamp, type, appId } =
    properties;
  return {
    contentType,
    contentEncoding,
    correlationId,
    replyTo,
    messageId,
    priority,
    timestamp,
    type,
    appId,
    persistent: true,
    headers,
  };
}
