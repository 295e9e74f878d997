import { EnvelopeCipher } from '@app/crypto';
import { MedicalReportsRepository } from '@app/mongo';
import KeyvRedis from '@keyv/redis';
import { Inject, Injectable } from '@nestjs/common';
import { REDIS_STORE } from '../cache/redis-store.token';

const BATCH = 500;
/** The key id in a sealed value, wherever it sits in the cache store's encoding of it. */
const SEALED_KEY_ID = /enc1\.([A-Za-z0-9_-]+)\./;

export interface RotationResult {
  current_key: string;
  /** Reports whose data keys were re-sealed under the current key. */
  reports_rewrapped: number;
  /** Cached copies sealed under an older key, dropped (the next read caches them afresh). */
  cache_dropped: number;
}

/**
 * After a new key has been put first in REPORT_ENCRYPTION_KEYS: every stored report is moved to
 * it (its data key re-sealed, its content untouched) and cached copies under older keys are
 * dropped. Once it reports 0 left, the older keys can leave the ring, after the report
 * dead-letter queue's TTL (dead letters are not re-sealed: they expire).
 */
@Injectable()
export class KeyRotationService {
  constructor(
    private readonly reports: MedicalReportsRepository,
    private readonly cipher: EnvelopeCipher,
    @Inject(REDIS_STORE) private readonly redis: KeyvRedis<unknown>,
  ) {}

  async rotate(): Promise<RotationResult> {
    let rewrapped = 0;
    for (let moved = await this.reports.rewrapBatch(BATCH); moved > 0; moved = await this.reports.rewrapBatch(BATCH))
      rewrapped += moved;
    return {
      current_key: this.cipher.currentKeyId,
      reports_rewrapped: rewrapped,
      cache_dropped: await this.dropStaleCache(),
    };
  }

  private async dropStaleCache(): Promise<number> {
    const client = (await this.redis.getClient()) as unknown as {
      scanIterator(options: { MATCH: string; COUNT: number }): AsyncIterable<string | string[]>;
      get(key: string): Promise<string | null>;
      del(keys: string[]): Promise<number>;
    };
    let dropped = 0;
    for (const pattern of ['report:*', 'input:*']) {
      for await (const found of client.scanIterator({ MATCH: pattern, COUNT: BATCH })) {
        const keys = Array.isArray(found) ? found : [found];
        const stale: string[] = [];
        for (const key of keys) {
          const keyId = SEALED_KEY_ID.exec((await client.get(key)) ?? '')?.[1];
          if (keyId !== this.cipher.currentKeyId) stale.push(key);
        }
        if (stale.length > 0) dropped += await client.del(stale);
      }
    }
    return dropped;
  }
}
