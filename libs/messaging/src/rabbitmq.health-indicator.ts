import { withTimeout } from '@app/common';
import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

const SETUP_WAIT_MS = 1000;

/**
 * Up while the managed AMQP connection is open and its channel has finished declaring the
 * topology (exchanges, queues, bindings), so a ready app never publishes into an undeclared
 * exchange. The connection reconnects by itself after a broker restart.
 */
@Injectable()
export class RabbitMqHealthIndicator {
  constructor(
    private readonly amqp: AmqpConnection,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key = 'rabbitmq'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    if (!this.amqp.managedConnection.isConnected()) return indicator.down({ message: 'not connected to the broker' });
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
