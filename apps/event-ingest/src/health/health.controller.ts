import { RabbitMqHealthIndicator } from '@app/messaging';
import { Neo4jHealthIndicator } from '@app/processors';
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';

/** Kubernetes probes: live = the process answers; ready = RabbitMQ and Neo4j answer. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly rabbitmq: RabbitMqHealthIndicator,
    private readonly neo4j: Neo4jHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.rabbitmq.check('rabbitmq'), () => this.neo4j.check('neo4j')]);
  }
}
