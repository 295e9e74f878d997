import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService } from '@nestjs/terminus';
import { QdrantClient } from '@qdrant/js-client-rest';
import { QDRANT_CLIENT } from './qdrant-client.token';

@Injectable()
export class QdrantHealthIndicator {
  private readonly collection: string;

  constructor(
    @Inject(QDRANT_CLIENT) private readonly client: QdrantClient,
    private readonly health: HealthIndicatorService,
    config: ConfigService,
  ) {
    this.collection = config.getOrThrow<string>('QDRANT_USER_COLLECTION');
  }

  /** A real round trip to the REST API (does the profile collection exist?). */
  async check(key = 'qdrant') {
    const indicator = this.health.check(key);
    try {
      await this.client.collectionExists(this.collection);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
