import { withTimeout } from '@app/common';
import KeyvRedis from '@keyv/redis';
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { REDIS_STORE } from './redis-store.token';

const PING_TIMEOUT_MS = 1000;

@Injectable()
export class RedisHealthIndicator {
  constructor(
    @Inject(REDIS_STORE) private readonly store: KeyvRedis<unknown>,
    private readonly health: HealthIndicatorService,
  ) {}

  async check(key = 'redis') {
    const indicator = this.health.check(key);
    try {
      await withTimeout(
        this.store.getClient().then((client) => client.ping()),
        PING_TIMEOUT_MS,
        'PING',
      );
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
