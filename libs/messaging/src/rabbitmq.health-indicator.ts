import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

/** Up while the managed AMQP connection is open; it reconnects by itself after a broker restart. */
@Injectable()
export class RabbitMqHealthIndicator {
  constructor(
    private readonly amqp: AmqpConnection,
    private readonly health: HealthIndicatorService,
  ) {}

  check(key = 'rabbitmq'): HealthIndicatorResult {
    const indicator = this.health.check(key);
    return this.amqp.managedConnection.isConnected()
      ? indicator.up()
      : indicator.down({ message: 'not connected to the broker' });
  }
}
