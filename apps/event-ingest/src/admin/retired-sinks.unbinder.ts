import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ChannelModel } from 'amqplib';
import { isBrokerNotFound } from './broker-not-found';
import { KnownQueues } from './known-queues';

/**
 * Declaring fewer sinks does not unbind a queue an earlier deployment bound to the fanout, so it
 * would keep filling with nobody consuming it. The API owns the fanout: on every (re)connect it
 * unbinds the queues of sinks outside EVENT_SINKS and leaves their messages for an operator to
 * inspect, purge or delete (GET /rabbitmq/health lists them under retired_sinks).
 */
@Injectable()
export class RetiredSinksUnbinder implements OnApplicationBootstrap {
  private readonly logger = new Logger(RetiredSinksUnbinder.name);

  constructor(
    private readonly amqp: AmqpConnection,
    @Inject(KnownQueues) private readonly known: KnownQueues,
  ) {}

  /**
   * A setup step of the managed channel runs on each (re)connect, and readiness waits for the
   * channel's setup; when already connected, the first run finishes before the app is up.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (this.known.retiredSinkQueues.length === 0) return;
    await this.amqp.managedChannel.addSetup(() => this.unbindRetiredSinks());
  }

  /** Never rejects: a failure is logged and retried on the next connect, the channel stays up. */
  async unbindRetiredSinks(): Promise<void> {
    const connection = this.amqp.managedConnection?.connection as ChannelModel | undefined;
    if (!connection) return;
    for (const queue of this.known.retiredSinkQueues) {
      try {
        const messages = await unbindFromFanout(connection, queue, this.known.names.exchange);
        if (messages !== undefined) {
          this.logger.warn({
            msg: 'sink not in EVENT_SINKS: its queue is unbound from the fanout, its messages kept',
            queue,
            messages,
          });
        }
      } catch (error) {
        this.logger.error({
          msg: 'could not unbind a sink queue not in EVENT_SINKS',
          queue,
          error: (error as Error).message,
        });
      }
    }
  }
}

/**
 * Unbinds `queue` from `exchange` on a throwaway channel (a 404 closes that channel only) and
 * answers how many messages it holds, or undefined when the queue does not exist.
 */
async function unbindFromFanout(
  connection: ChannelModel,
  queue: string,
  exchange: string,
): Promise<number | undefined> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined); // reported through the rejected operation instead
  try {
    const { messageCount } = await channel.checkQueue(queue);
    await channel.unbindQueue(queue, exchange, '');
    return messageCount;
  } catch (error) {
    if (isBrokerNotFound(error)) return undefined; // no such queue (or no fanout): nothing is bound
    throw error;
  } finally {
    await channel.close().catch(() => undefined);
  }
}
