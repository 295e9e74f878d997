import { withTimeout } from '@app/common';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Driver } from 'neo4j-driver';
import { NEO4J_DRIVER } from './neo4j-driver.token';

/** A probe must answer fast: the driver's own connection timeout (3 s) would hold readiness that long. */
const PING_TIMEOUT_MS = 1000;

@Injectable()
export class Neo4jHealthIndicator {
  private readonly database: string;

  constructor(
    @Inject(NEO4J_DRIVER) private readonly driver: Driver,
    private readonly health: HealthIndicatorService,
    config: ConfigService,
  ) {
    this.database = config.get<string>('NEO4J_DATABASE') ?? 'neo4j';
  }

  /** A real round trip (RETURN 1) to the database the writers use, answered within PING_TIMEOUT_MS either way. */
  async check(key = 'neo4j') {
    const indicator = this.health.check(key);
    try {
      await withTimeout(
        this.driver.executeQuery('RETURN 1', {}, { database: this.database }),
        PING_TIMEOUT_MS,
        'RETURN 1',
      );
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
