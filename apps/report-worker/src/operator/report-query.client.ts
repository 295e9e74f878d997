import { connect } from 'amqplib';
import { randomUUID } from 'node:crypto';

const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/**
 * One RPC to the report worker the way an authorised reader sends it: a Nest packet on the
 * request queue, the AMQP `user_id` property set to the login of the connection (RabbitMQ checks
 * it; the worker checks it against REPORT_READERS), the answer on direct reply-to.
 */
export class ReportQueryClient {
  constructor(
    private readonly brokerUrl: string,
    private readonly requestQueue: string,
  ) {}

  async ask(pattern: string, data: unknown, timeoutMs: number): Promise<unknown> {
    const url = new URL(this.brokerUrl);
    const user = decodeURIComponent(url.username) || 'guest';
    const connection = await connect(this.brokerUrl);
    try {
      const channel = await connection.createChannel();
      const id = randomUUID();
      const answer = new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no answer from the report worker within ${timeoutMs} ms (is it running?)`)),
          timeoutMs,
        );
        void channel.consume(
          DIRECT_REPLY_TO,
          (message) => {
            if (!message || message.properties.correlationId !== id) return;
            clearTimeout(timer);
            resolve((JSON.parse(message.content.toString()) as { response: unknown }).response);
          },
          { noAck: true },
        );
      });
      channel.sendToQueue(this.requestQueue, Buffer.from(JSON.stringify({ pattern, data, id })), {
        replyTo: DIRECT_REPLY_TO,
        correlationId: id,
        userId: user,
        contentType: 'application/json',
      });
      return await answer;
    } finally {
      await connection.close().catch(() => undefined);
    }
  }
}
