import { ReportWorkerEnv } from '@app/config';
import { MedicalReport } from '@app/mongo';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Cache } from 'cache-manager';
import { ReportMetrics } from '../metrics/report.metrics';

/** Redis is an accelerator, never a dependency: an operation that takes longer than this is skipped. */
const CACHE_OP_TIMEOUT_MS = 150;

/** What `input:{user_id}` holds: the user's last input by hash, not the input itself (no health data in Redis). */
export interface CachedInput {
  content_hash: string;
  report_id: string;
  created_at: string;
}

/**
 * The seed's Redis keys, degraded gracefully: when Redis is slow or down, reads miss and writes are
 * dropped (after a short timeout), and reports still complete from MongoDB.
 */
@Injectable()
export class ReportCacheService {
  private readonly logger = new Logger(ReportCacheService.name);
  private readonly inputTtlMs: number;
  private readonly reportTtlMs: number;

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly metrics: ReportMetrics,
    config: ConfigService<ReportWorkerEnv, true>,
  ) {
    this.inputTtlMs = config.get('REDIS_CACHE_TTL', { infer: true }) * 1000;
    this.reportTtlMs = config.get('REPORT_CACHE_TTL', { infer: true }) * 1000;
  }

  getInput(userId: string): Promise<CachedInput | undefined> {
    return this.bounded('get input', () => this.cache.get<CachedInput>(`input:${userId}`));
  }

  async setInput(userId: string, input: CachedInput): Promise<void> {
    await this.bounded('set input', () => this.cache.set(`input:${userId}`, input, this.inputTtlMs));
  }

  getReport(reportId: string): Promise<MedicalReport | undefined> {
    return this.bounded('get report', () => this.cache.get<MedicalReport>(`report:${reportId}`));
  }

  /**
   * Whether `report:{id}` is cached, without fetching the report. It is written only after the
   * report is stored and removed by report.delete, so a hit means the report exists (undefined: Redis
   * did not answer).
   */
  hasReport(reportId: string): Promise<boolean | undefined> {
    return this.bounded('has report', () => this.cache.stores[0].has(`report:${reportId}`));
  }

  async setReport(report: MedicalReport): Promise<void> {
    await this.bounded('set report', () => this.cache.set(`report:${report.report_id}`, report, this.reportTtlMs));
  }

  async forget(keys: string[]): Promise<void> {
    await this.bounded('delete', () => this.cache.mdel(keys));
  }

  private async bounded<T>(what: string, operation: () => Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), CACHE_OP_TIMEOUT_MS);
    });
    try {
      return (await this.metrics.time('redis', what, () => Promise.race([operation(), timeout]))) ?? undefined;
    } catch (error) {
      this.logger.warn({ message: `cache ${what} skipped`, error: (error as Error).message });
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
