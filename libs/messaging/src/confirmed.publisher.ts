import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Injectable } from '@nestjs/common';
import { Options } from 'amqplib';
import { boundedPublishOptions } from './amqp-properties';
import { BrokerUnavailableError } from './broker-unavailable.error';

export interface ConfirmedPublishOptions extends Options.Publish {
  /** Give up (and reject) when the broker has not confirmed within this many milliseconds. */
  timeoutMs: number;
}

/**
 * Publishes on golevelup's confirm channel and resolves only once the broker has confirmed the
 * message (for a persistent message to a durable queue: written to disk). It never waits for a
 * reconnect: with no connection it fails at once, and a missing confirm fails after timeoutMs,
 * so an HTTP caller answers 503 quickly instead of hanging.
 */
@Injectable()
export class ConfirmedPublisher {
  constructor(private readonly amqp: AmqpConnection) {}

  isConnected(): boolean {
    return this.amqp.managedConnection?.isConnected() ?? false;
  }

  async publish(exchange: string, routingKey: string, content: Buffer, options: ConfirmedPublishOptions): Promise<void> {
    if (!this.isConnected()) throw new BrokerUnavailableError('not connected to the broker');
    const { timeoutMs, ...publishOptions } = options;
    try {
      // amqp-connection-manager reads `timeout` from the options and rejects with "timeout".
      await this.amqp.publish(exchange, routingKey, content, { ...boundedPublishOptions(publishOptions), timeout: timeoutMs } as Options.Publish);
    } catch (error) {
      const reason = (error as Error).message === 'timeout' ? `no confirm within ${timeoutMs} ms` : (error as Error).message;
      throw new BrokerUnavailableError(`broker did not accept the message: ${reason}`);
    }
  }
}
