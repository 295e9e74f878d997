import { readTlsFiles } from '@app/config';
import KeyvRedis from '@keyv/redis';
import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { REDIS_STORE } from './redis-store.token';

/**
 * Owns the one Redis connection: reconnects every 500 ms while Redis is away, closes on shutdown.
 * No offline queue: while Redis is away commands fail at once instead of piling up. A rediss://
 * URL connects with TLS, verified with the REDIS_TLS_* CA and presenting their client certificate.
 */
@Module({
  providers: [
    {
      provide: REDIS_STORE,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => {
        const url = config.getOrThrow<string>('REDIS_URL');
        const socket = { connectTimeout: 2000, reconnectStrategy: () => 500 };
        const tls = url.startsWith('rediss://')
          ? {
              tls: true as const,
              ...readTlsFiles(config, {
                ca: 'REDIS_TLS_CA_FILE',
                cert: 'REDIS_TLS_CERT_FILE',
                key: 'REDIS_TLS_KEY_FILE',
              }),
            }
          : {};
        return new KeyvRedis(
          { url, socket: { ...socket, ...tls }, disableOfflineQueue: true },
          { throwOnConnectError: false, throwOnErrors: false, connectionTimeout: 2000 },
        );
      },
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
