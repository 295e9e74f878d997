import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Driver } from 'neo4j-driver';
import { NEO4J_DRIVER } from './neo4j-driver.token';

@Injectable()
export class Neo4jHealthIndicator {
  constructor(
    @Inject(NEO4J_DRIVER) private readonly driver: Driver,
    private readonly health: HealthIndicatorService,
  ) {}

  /** A real round trip (RETURN 1), bounded by the driver's connection timeouts. */
  async check(key = 'neo4j') {
    const indicator = this.health.check(key);
    try {
      await this.driver.executeQuery('RETURN 1', {}, { database: 'neo4j' });
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
