import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { MedicalReportsRepository } from './medical-reports.repository';
import { ReportContentsRepository } from './report-contents.repository';
import { ReportJobsRepository } from './report-jobs.repository';

/** Between two sweeps; a row past its end is never served meanwhile (the reads check expires_at). */
const SWEEP_EVERY_MS = 15 * 60 * 1000;
const COLLECTIONS = ['medical_reports', 'report_jobs', 'report_contents'];

/**
 * Retention: every report, job and reuse entry carries `expires_at`. MongoDB deletes them itself
 * through a TTL index on that field, declared here at boot; a store without TTL indexes (FerretDB
 * v1 answers "not implemented") relies on this sweeper, which deletes what has expired every 15
 * minutes on MongoDB too (a no-op there).
 */
@Injectable()
export class ReportRetentionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReportRetentionSweeper.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly reports: MedicalReportsRepository,
    private readonly jobs: ReportJobsRepository,
    private readonly contents: ReportContentsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.declareTtlIndexes();
    this.timer = setInterval(
      () =>
        void this.sweep().catch((error: Error) =>
          this.logger.warn({ message: 'retention sweep failed; next round in 15 min', error: error.message }),
        ),
      SWEEP_EVERY_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Deletes every report, job and reuse entry past its end; returns how many of each. */
  async sweep(now = new Date()): Promise<{ reports: number; jobs: number; contents: number }> {
    const [reports, jobs, contents] = await Promise.all([
      this.reports.deleteExpired(now),
      this.jobs.deleteExpired(now),
      this.contents.deleteExpired(now),
    ]);
    if (reports + jobs + contents > 0)
      this.logger.log({ message: 'expired patient data deleted', reports, jobs, contents });
    return { reports, jobs, contents };
  }

  private async declareTtlIndexes(): Promise<void> {
    try {
      for (const name of COLLECTIONS)
        await this.connection
          .collection(name)
          .createIndex({ expires_at: 1 }, { expireAfterSeconds: 0, name: 'retention' });
    } catch (error) {
      this.logger.log({
        message: 'the store has no TTL indexes: expired rows are deleted by the retention sweeper',
        reason: (error as Error).message,
      });
    }
  }
}
