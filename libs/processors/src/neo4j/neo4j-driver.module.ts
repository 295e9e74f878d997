import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import neo4j, { Config, Driver } from 'neo4j-driver';
import { Neo4jHealthIndicator } from './neo4j.health-indicator';
import { NEO4J_DRIVER } from './neo4j-driver.token';

function createNeo4jDriver(config: ConfigService): Driver {
  const { uri, encryption } = neo4jTarget(
    config.getOrThrow<string>('NEO4J_URI'),
    config.get<string>('NEO4J_TLS_CA_FILE'),
  );
  return neo4j.driver(
    uri,
    neo4j.auth.basic(config.getOrThrow<string>('NEO4J_USER'), config.getOrThrow<string>('NEO4J_PASSWORD')),
    {
      connectionAcquisitionTimeout: 5000,
      connectionTimeout: 3000,
      maxTransactionRetryTime: 1000,
      disableLosslessIntegers: true,
      ...encryption,
    },
  );
}

/**
 * The driver takes a +s scheme to mean the system's CAs and refuses trust settings beside it, so a
 * bolt+s:// or neo4j+s:// URI with NEO4J_TLS_CA_FILE becomes the plain scheme with encryption
 * switched on and that CA trusted. The driver reads the CA file itself (it takes a path) whenever
 * it opens a connection; settings validation has checked the file at boot.
 */
export function neo4jTarget(
  uri: string,
  caFile?: string,
): { uri: string; encryption: Pick<Config, 'encrypted' | 'trust' | 'trustedCertificates'> } {
  const verified = /^(bolt|neo4j)\+s:\/\//.exec(uri);
  if (!verified || !caFile) return { uri, encryption: {} };
  return {
    uri: `${verified[1]}://${uri.slice(verified[0].length)}`,
    encryption: {
      encrypted: 'ENCRYPTION_ON',
      trust: 'TRUST_CUSTOM_CA_SIGNED_CERTIFICATES',
      trustedCertificates: [caFile],
    },
  };
}

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
      useFactory: createNeo4jDriver,
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
