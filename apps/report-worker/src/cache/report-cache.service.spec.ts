import { EnvelopeCipher } from '@app/crypto';
import { MedicalReport } from '@app/mongo';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Cache } from 'cache-manager';
import { metricValue } from '@app/testing';
import { ReportMetrics } from '../metrics/report.metrics';
import { ReportCacheService } from './report-cache.service';

/** The cipher as far as the cache uses it: a value opens only under the key it was sealed for. */
const cipher = {
  sealJson: (value: unknown, context: string) => JSON.stringify({ context, value }),
  openJson: (sealed: string, context: string) => {
    const parsed = JSON.parse(sealed) as { context: string; value: unknown };
    if (parsed.context !== context) throw new Error('does not open');
    return parsed.value;
  },
} as unknown as EnvelopeCipher;

describe('ReportCacheService hit and miss counters (the cache hit ratio)', () => {
  const stored = new Map<string, string>();
  let metrics: ReportMetrics;
  let cache: ReportCacheService;
  let redisAway = false;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation();
    stored.clear();
    redisAway = false;
    metrics = new ReportMetrics();
    const redis = {
      get: async (key: string) => {
        if (redisAway) throw new Error('connection refused');
        return stored.get(key);
      },
      set: async (key: string, value: string) => void stored.set(key, value),
    } as unknown as Cache;
    const config = { get: () => 3600 } as unknown as ConfigService<never, true>;
    cache = new ReportCacheService(redis, cipher, metrics, config);
  });

  afterEach(() => jest.restoreAllMocks());

  const counts = async () => ({
    hits: await metricValue(metrics.cacheHits, { kind: 'report' }),
    misses: await metricValue(metrics.cacheMisses, { kind: 'report' }),
  });

  it('counts a report found as a hit, and one absent, unopenable or unreachable as a miss', async () => {
    const report = {
      report_id: 'r1',
      expires_at: new Date(Date.now() + 60_000).toISOString(),
    } as unknown as MedicalReport;
    await cache.setReport(report);
    expect(await cache.getReport('r1')).toEqual(report);
    expect(await cache.getReport('r2')).toBeUndefined();
    stored.set('report:r3', cipher.sealJson(report, 'report:other'));
    expect(await cache.getReport('r3')).toBeUndefined();
    redisAway = true;
    expect(await cache.getReport('r1')).toBeUndefined();
    expect(await counts()).toEqual({ hits: 1, misses: 3 });
  });
});
