import { ReportWorkerEnv } from '@app/config';
import { EnvelopeCipher } from '@app/crypto';
import { MedicalReport } from '@app/mongo';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { inSpan, SpanKind } from '@app/tracing';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Cache } from 'cache-manager';
import { ReportMetrics } from '../metrics/report.metrics';

/** Redis is an accelerator, never a dependency: an operation that takes longer than this is skipped. */
const CACHE_OP_TIMEOUT_MS = 150;
/** The `kind` label of the cache hit and miss counters for `report:<report_id>` reads. */
const REPORT_KIND = { kind: 'report' } as const;

const REDIS_SPAN = { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'redis' } };

/** What `input:{user_id}` holds: the fingerprint of the user's last input and its report, not the input itself. */
export interface CachedInput {
  content_hash: string;
  report_id: string;
  created_at: string;
}

/**
 * The report cache in Redis (`input:<user_id>`, `report:<report_id>`), every value sealed (EnvelopeCipher, for the context of its key): Redis
 * holds no readable health data. Degraded gracefully: when Redis is slow or down, reads miss and
 * writes are dropped (after a short timeout), and reports still complete from MongoDB. A cached
 * report never outlives its retention.
 */
@Injectable()
export class ReportCacheService {
  private readonly logger = new Logger(ReportCacheService.name);
  private readonly inputTtlMs: number;
  private readonly reportTtlMs: number;

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly cipher: EnvelopeCipher,
    private readonly metrics: ReportMetrics,
    config: ConfigService<ReportWorkerEnv, true>,
  ) {
    this.inputTtlMs = config.get('REDIS_CACHE_TTL', { infer: true }) * 1000;
    this.reportTtlMs = config.get('REPORT_CACHE_TTL', { infer: true }) * 1000;
  }

  async setInput(userId: string, input: CachedInput): Promise<void> {
    const key = `input:${userId}`;
    await this.bounded('set input', () => this.cache.set(key, this.cipher.sealJson(input, key), this.inputTtlMs));
  }

  /** A cached report, or undefined (not cached, Redis away, or a value that does not open under the ring). */
  async getReport(reportId: string): Promise<MedicalReport | undefined> {
    const key = `report:${reportId}`;
    const sealed = await this.bounded('get report', () => this.cache.get<string>(key));
    if (sealed === undefined) {
      this.metrics.cacheMisses.inc(REPORT_KIND);
      return undefined;
    }
    try {
      const report = this.cipher.openJson<MedicalReport>(sealed, key);
      this.metrics.cacheHits.inc(REPORT_KIND);
      return report;
    } catch (error) {
      this.metrics.cacheMisses.inc(REPORT_KIND);
      this.logger.warn({
        message: 'cached report does not open; read from MongoDB instead',
        report_id: reportId,
        error: (error as Error).message,
      });
      return undefined;
    }
  }

  async setReport(report: MedicalReport): Promise<void> {
    const key = `report:${report.report_id}`;
    const ttlMs = Math.min(this.reportTtlMs, new Date(report.expires_at).getTime() - Date.now());
    if (ttlMs <= 0) return;
    await this.bounded('set report', () => this.cache.set(key, this.cipher.sealJson(report, key), ttlMs));
  }

  /** True when Redis confirmed the deletion; false when it did not answer (the keys may still be there). */
  async forget(keys: string[]): Promise<boolean> {
    return (await this.bounded('delete', async () => (await this.cache.mdel(keys), true))) ?? false;
  }

  private async bounded<T>(what: string, operation: () => Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), CACHE_OP_TIMEOUT_MS);
    });
    try {
      const traced = () => inSpan(`redis ${what}`, REDIS_SPAN, operation);
      return (await this.metrics.time('redis', what, () => Promise.race([traced(), timeout]))) ?? undefined;
    } catch (error) {
      this.logger.warn({ message: `cache ${what} skipped`, error: (error as Error).message });
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
