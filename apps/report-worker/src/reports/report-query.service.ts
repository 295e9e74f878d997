import { ReportIdQuery, ReportListQuery, ReportStatusQuery } from '@app/contracts';
import { MedicalReportsRepository, ReportContentsRepository, ReportJobsRepository } from '@app/mongo';
import { Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ReportCacheService } from '../cache/report-cache.service';

type QueryClass<T> = new () => T;

/** A bad query gets an answer that names the problem (queries are never dead-lettered: they change nothing). */
export class InvalidQueryError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid query: ${problems.join('; ')}`);
  }
}

function parse<T extends object>(type: QueryClass<T>, body: unknown): T {
  const query = plainToInstance(type, typeof body === 'object' && body !== null ? body : {});
  const errors = validateSync(query);
  if (errors.length > 0) throw new InvalidQueryError(errors.flatMap((e) => Object.values(e.constraints ?? {})));
  return query;
}

/** Seed 003's job tracking and results retrieval, over RPC: status, get, list, delete. */
@Injectable()
export class ReportQueryService {
  private readonly logger = new Logger(ReportQueryService.name);

  constructor(
    private readonly jobs: ReportJobsRepository,
    private readonly reports: MedicalReportsRepository,
    private readonly contents: ReportContentsRepository,
    private readonly cache: ReportCacheService,
  ) {}

  async status(body: unknown) {
    const { request_id } = parse(ReportStatusQuery, body);
    const job = await this.jobs.findByRequestId(request_id);
    if (!job) return { request_id, found: false };
    const { user_id, report_id, status, attempts, error_message, created_at, updated_at, started_at, completed_at, failed_at } = job;
    return {
      request_id,
      found: true,
      user_id,
      status,
      attempts,
      report_id: status === 'completed' ? report_id : null,
      error_message: error_message ?? null,
      created_at,
      updated_at,
      started_at: started_at ?? null,
      completed_at: completed_at ?? null,
      failed_at: failed_at ?? null,
    };
  }

  /** Redis first, then MongoDB (and back into Redis). */
  async get(body: unknown) {
    const { report_id } = parse(ReportIdQuery, body);
    const cached = await this.cache.getReport(report_id);
    if (cached) return { report_id, found: true, source: 'cache', report: cached };
    const stored = await this.reports.findByReportId(report_id);
    if (!stored) return { report_id, found: false };
    await this.cache.setReport(stored);
    return { report_id, found: true, source: 'database', report: stored };
  }

  async list(body: unknown) {
    const { user_id, page, page_size } = parse(ReportListQuery, body);
    const { items, total } = await this.reports.listByUser(user_id, page, page_size);
    return { user_id, page, page_size, total, items };
  }

  /** Removes the report, its job rows (so a republish generates afresh), its reuse entry and its cache entries. */
  async delete(body: unknown) {
    const { report_id } = parse(ReportIdQuery, body);
    const removed = await this.reports.deleteByReportId(report_id);
    const jobs = await this.jobs.deleteByReportId(report_id);
    if (removed) await this.contents.forget(removed.user_id, removed.content_hash, report_id);
    const keys = [`report:${report_id}`, ...(removed ? [`input:${removed.user_id}`] : [])];
    await this.cache.forget(keys);
    this.logger.log({ message: 'report deleted', report_id, found: Boolean(removed), jobs });
    return { report_id, deleted: Boolean(removed) };
  }
}
