import { withTimeout } from '@app/common';
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Driver } from 'neo4j-driver';
import { NEO4J_DRIVER } from './neo4j-driver.token';

/** A probe must answer fast; the driver's own connection timeout is 3 s (found by the store-outage drill). */
const PING_TIMEOUT_MS = 1000;

@Injectable()
export class Neo4jHealthIndicator {
  constructor(
    @Inject(NEO4J_DRIVER) private readonly driver: Driver,
    private readonly health: HealthIndicatorService,
  ) {}

  /** A real round trip (RETURN 1), answered within PING_TIMEOUT_MS either way. */
  async check(key = 'neo4j') {
    const indicator = this.health.check(key);
    try {
      await withTimeout(this.driver.executeQuery('RETURN 1', {}, { database: 'neo4j' }), PING_TIMEOUT_MS, 'RETURN 1');
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
