import { REPORT_HEADERS } from '@app/contracts';
import { EnvelopeCipher } from '@app/crypto';

/** A dead letter's body is sealed for its queue: it opens only as a dead letter of that queue. */
const contextOf = (deadLetterQueue: string) => `dead_letters:${deadLetterQueue}`;

/**
 * A dead-lettered request keeps the whole request (names, conditions, medications) for as long as
 * the queue keeps it, so the worker seals its body: operators list it as ids and reasons, and a
 * replay opens it again on its way back to the request queue.
 */
export function sealDeadLetter(
  cipher: EnvelopeCipher,
  deadLetterQueue: string,
  body: Buffer,
): { body: Buffer; headers: Record<string, string> } {
  return {
    body: Buffer.from(cipher.seal(body, contextOf(deadLetterQueue))),
    headers: { [REPORT_HEADERS.sealedBody]: cipher.currentKeyId },
  };
}

/** The request a dead letter holds: opened when the worker sealed it, as it is otherwise (a broker-made dead letter). */
export function openDeadLetter(
  cipher: EnvelopeCipher,
  deadLetterQueue: string,
  body: Buffer,
  headers: Record<string, unknown> = {},
): Buffer {
  if (headers[REPORT_HEADERS.sealedBody] === undefined) return body;
  return cipher.open(body.toString('utf8'), contextOf(deadLetterQueue));
}
