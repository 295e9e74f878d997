import KeyvRedis from '@keyv/redis';
import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { REDIS_STORE } from './redis-store.token';

/**
 * Owns the one Redis connection: reconnects every 500 ms while Redis is away, closes on shutdown.
 * No offline queue: while Redis is away commands fail at once instead of piling up.
 */
@Module({
  providers: [
    {
      provide: REDIS_STORE,
      inject: [ConfigService],
      useFactory: (config: ConfigService) =>
        new KeyvRedis(
          { url: config.getOrThrow<string>('REDIS_URL'), socket: { connectTimeout: 2000, reconnectStrategy: () => 500 }, disableOfflineQueue: true },
          { throwOnConnectError: false, throwOnErrors: false, connectionTimeout: 2000 },
        ),
    },
  ],
  exports: [REDIS_STORE],
})
export class RedisStoreModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_STORE) private readonly store: KeyvRedis<unknown>) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.disconnect().catch(() => undefined);
  }
}
