import { RabbitMqHealthIndicator } from '@app/messaging';
import { Neo4jHealthIndicator, QdrantHealthIndicator } from '@app/processors';
import { Controller, Get, Inject } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthCheck, HealthCheckService, HealthIndicatorFunction } from '@nestjs/terminus';
import { READINESS_DEPENDENCIES, ReadinessDependency } from './readiness.dependencies';

/** Kubernetes probes: live = the process answers; ready = every service this role needs answers. */
@Controller('health')
export class HealthController {
  private readonly checks: HealthIndicatorFunction[];

  constructor(
    private readonly health: HealthCheckService,
    @Inject(READINESS_DEPENDENCIES) dependencies: ReadinessDependency[],
    moduleRef: ModuleRef,
  ) {
    const get = <T>(type: new (...args: never[]) => T) => moduleRef.get(type, { strict: false });
    const byName: Record<ReadinessDependency, () => HealthIndicatorFunction> = {
      rabbitmq: () => () => get(RabbitMqHealthIndicator).check('rabbitmq'),
      neo4j: () => () => get(Neo4jHealthIndicator).check('neo4j'),
      qdrant: () => () => get(QdrantHealthIndicator).check('qdrant'),
    };
    this.checks = dependencies.map((name) => byName[name]());
  }

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(this.checks);
  }
}
