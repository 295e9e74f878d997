import { MongoReadHealthIndicator } from '@app/mongo';
import { Controller, Get, Header } from '@nestjs/common';
import { HealthCheckService } from '@nestjs/terminus';
import { RedisHealthIndicator } from '../cache/redis.health-indicator';
import { ReportBrokerHealthIndicator } from './report-broker.health-indicator';
import { RequestHoldHealthIndicator } from './request-hold.health-indicator';

const NO_CACHE = 'no-cache, no-store, must-revalidate';

/**
 * Kubernetes probes: live = the process answers (from boot, whatever the broker does); ready = the
 * consumer is subscribed and RabbitMQ, MongoDB and Redis answer, and no request is held waiting
 * for a dependency (`requests`, present only while one is).
 * Not Terminus's @HealthCheck(): it loads @nestjs/swagger (~6 MB resident) just to document the
 * routes; the only other thing it adds is this no-cache header. A failed check still answers 503.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly rabbitmq: ReportBrokerHealthIndicator,
    private readonly mongo: MongoReadHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly held: RequestHoldHealthIndicator,
  ) {}

  @Get('live')
  @Header('Cache-Control', NO_CACHE)
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @Header('Cache-Control', NO_CACHE)
  ready() {
    return this.health.check([
      () => this.rabbitmq.check('rabbitmq'),
      () => this.mongo.check('mongodb'),
      () => this.redis.check('redis'),
      () => this.held.check('requests'),
    ]);
  }
}
