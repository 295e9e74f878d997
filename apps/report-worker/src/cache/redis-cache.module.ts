import KeyvRedis from '@keyv/redis';
import { CacheModule } from '@nestjs/cache-manager';
import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RedisHealthIndicator } from './redis.health-indicator';
import { RedisStoreModule } from './redis-store.module';
import { REDIS_STORE } from './redis-store.token';

/** cache-manager 7 over the @keyv/redis store, plus a health indicator that pings the same client. */
@Global()
@Module({
  imports: [
    TerminusModule,
    RedisStoreModule,
    CacheModule.registerAsync({
      imports: [RedisStoreModule],
      inject: [REDIS_STORE],
      useFactory: (store: KeyvRedis<unknown>) => ({ stores: [store] }),
    }),
  ],
  providers: [RedisHealthIndicator],
  exports: [CacheModule, RedisStoreModule, RedisHealthIndicator],
})
export class RedisCacheModule {}
