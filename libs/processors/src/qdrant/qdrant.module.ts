import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { QdrantClient } from '@qdrant/js-client-rest';
import { QDRANT_CLIENT } from './qdrant-client.token';
import { QdrantHealthIndicator } from './qdrant.health-indicator';

/** One REST client per process. The version check is off: it would log on every start without a server. */
@Module({
  imports: [TerminusModule],
  providers: [
    {
      provide: QDRANT_CLIENT,
      inject: [ConfigService],
      useFactory: (config: ConfigService) =>
        new QdrantClient({
          url: config.getOrThrow<string>('QDRANT_URL'),
          apiKey: config.get<string>('QDRANT_API_KEY') || undefined,
          checkCompatibility: false,
          timeout: 10_000,
        }),
    },
    QdrantHealthIndicator,
  ],
  exports: [QDRANT_CLIENT, QdrantHealthIndicator],
})
export class QdrantModule {}
