/** How a reply queue is held: exclusive to one connection (its caller's), open to all, or gone. */
export type QueueExclusivity = 'exclusive' | 'shared' | 'missing';

/** Direct reply-to: the broker hands what is published there to the publishing channel only. */
const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';
/** How long a queue's standing is remembered (an exclusive queue stays exclusive until its connection goes). */
const REMEMBER_MS = 60_000;
const REMEMBERED = 10_000;

/**
 * Where the worker may send an answer: only to the caller's own reply queue, so that nobody can
 * make it publish a report into a queue of their choosing (another client's reply queue, the
 * request queue, a queue an attacker reads). Allowed: direct reply-to (`amq.rabbitmq.reply-to…`,
 * what Nest's ClientProxy uses) and a queue exclusive to its connection (pika's `exclusive=True`
 * callback queue). A durable or shared queue, or one that is gone, is refused.
 */
export class ReplyToPolicy {
  private readonly known = new Map<string, { exclusivity: QueueExclusivity; until: number }>();

  constructor(private readonly exclusivityOf: (queue: string) => Promise<QueueExclusivity>) {}

  /** undefined when the answer may go to `replyTo`, otherwise why not. */
  async refusal(replyTo: string, now = Date.now()): Promise<string | undefined> {
    if (replyTo.startsWith(DIRECT_REPLY_TO)) return undefined;
    const exclusivity = await this.lookUp(replyTo, now);
    if (exclusivity === 'exclusive') return undefined;
    return exclusivity === 'missing'
      ? 'the reply queue does not exist'
      : 'the reply queue is not exclusive to its caller (use direct reply-to or an exclusive queue)';
  }

  private async lookUp(queue: string, now: number): Promise<QueueExclusivity> {
    const known = this.known.get(queue);
    if (known && known.until > now) return known.exclusivity;
    const exclusivity = await this.exclusivityOf(queue);
    if (this.known.size >= REMEMBERED) this.known.clear();
    this.known.set(queue, { exclusivity, until: now + REMEMBER_MS });
    return exclusivity;
  }
}
