import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import neo4j, { Driver } from 'neo4j-driver';
import { Neo4jHealthIndicator } from './neo4j.health-indicator';
import { NEO4J_DRIVER } from './neo4j-driver.token';

/**
 * One driver (a connection pool) per process; the driver connects lazily and survives outages.
 * Its own transaction retries stop after 1 s: the processors hold batches through longer outages
 * themselves, and a request in the USE_RABBITMQ=false mode should get its 503 quickly.
 */
@Module({
  imports: [TerminusModule],
  providers: [
    {
      provide: NEO4J_DRIVER,
      inject: [ConfigService],
      useFactory: (config: ConfigService): Driver =>
        neo4j.driver(
          config.getOrThrow<string>('NEO4J_URI'),
          neo4j.auth.basic(config.getOrThrow<string>('NEO4J_USER'), config.getOrThrow<string>('NEO4J_PASSWORD')),
          { connectionAcquisitionTimeout: 5000, connectionTimeout: 3000, maxTransactionRetryTime: 1000, disableLosslessIntegers: true },
        ),
    },
    Neo4jHealthIndicator,
  ],
  exports: [NEO4J_DRIVER, Neo4jHealthIndicator],
})
export class Neo4jDriverModule implements OnApplicationShutdown {
  constructor(@Inject(NEO4J_DRIVER) private readonly driver: Driver) {}

  async onApplicationShutdown(): Promise<void> {
    await this.driver.close();
  }
}
