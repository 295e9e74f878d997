import { RabbitMqHealthIndicator } from '@app/messaging';
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, MongooseHealthIndicator } from '@nestjs/terminus';
import { RedisHealthIndicator } from '../cache/redis.health-indicator';

/** Kubernetes probes: live = the process answers; ready = RabbitMQ, MongoDB and Redis answer. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly rabbitmq: RabbitMqHealthIndicator,
    private readonly mongo: MongooseHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.rabbitmq.check('rabbitmq'),
      () => this.mongo.pingCheck('mongodb', { timeout: 1000 }),
      () => this.redis.check('redis'),
    ]);
  }
}
