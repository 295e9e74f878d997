import { Matches } from 'class-validator';
import { EnvInt } from '../env.decorators';

export class RedisEnv {
  @Matches(/^rediss?:\/\/[^\s]+$/, { message: '$property must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Seconds the last input of a user stays cached (`input:{user_id}`). */
  @EnvInt(1, 30 * 24 * 3600)
  REDIS_CACHE_TTL = 3600;
}
