import { withTimeout } from '@app/common';
import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { ConfirmedPublisher } from './confirmed.publisher';

const SETUP_WAIT_MS = 1000;

/**
 * Up while the managed AMQP connection is open and its channel has finished declaring the
 * topology (exchanges, queues, bindings), so a ready app never publishes into an undeclared
 * exchange, and while the broker accepts publishes: during a memory or disk alarm it blocks every
 * publisher, and a process that cannot publish cannot take events nor answer requests. The
 * connection reconnects by itself after a broker restart.
 */
@Injectable()
export class RabbitMqHealthIndicator {
  constructor(
    private readonly amqp: AmqpConnection,
    private readonly health: HealthIndicatorService,
    private readonly publisher: ConfirmedPublisher,
  ) {}

  async check(key = 'rabbitmq'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    if (!this.amqp.managedConnection.isConnected()) return indicator.down({ message: 'not connected to the broker' });
    if (this.publisher.blocked)
      return indicator.down({ message: `the broker blocks publishing: ${this.publisher.blocked}` });
    return (await this.channelSetUpWithin(SETUP_WAIT_MS))
      ? indicator.up()
      : indicator.down({ message: 'connected, still declaring the topology' });
  }

  private channelSetUpWithin(ms: number): Promise<boolean> {
    return withTimeout(this.amqp.managedChannel.waitForConnect(), ms, 'topology declaration').then(
      () => true,
      () => false,
    );
  }
}
