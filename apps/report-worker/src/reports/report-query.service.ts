import { ReportIdQuery, ReportListQuery, ReportStatusQuery } from '@app/contracts';
import {
  AuditAction,
  AuditEventsRepository,
  MedicalReportsRepository,
  ReportContentsRepository,
  ReportJobsRepository,
} from '@app/mongo';
import { Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { actorOf, ReportCaller } from '../access/report-caller';
import { ReportAccessService } from '../access/report-access.service';
import { ReportCacheService } from '../cache/report-cache.service';

type QueryClass<T> = new () => T;

/** A bad query gets an answer that names the problem (queries are never dead-lettered: they change nothing). */
export class InvalidQueryError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid query: ${problems.join('; ')}`);
  }
}

/** The caller may not see this user's reports. */
export class OutOfScopeError extends Error {}

function parse<T extends object>(type: QueryClass<T>, body: unknown): T {
  const query = plainToInstance(type, typeof body === 'object' && body !== null ? body : {});
  const errors = validateSync(query);
  if (errors.length > 0) throw new InvalidQueryError(errors.flatMap((e) => Object.values(e.constraints ?? {})));
  return query;
}

interface Touched {
  report_id?: string;
  request_id?: string;
  user_id?: string;
}

/**
 * Job tracking and results retrieval over RPC (status, get, list, delete), for a reader the
 * controller has identified. A reader sees only the users its REPORT_READERS patterns match: a
 * report or job of anyone else is answered as not found, a list of anyone else is refused. Every
 * query leaves an audit record (who, what, when, outcome) before it is answered.
 */
@Injectable()
export class ReportQueryService {
  private readonly logger = new Logger(ReportQueryService.name);

  constructor(
    private readonly jobs: ReportJobsRepository,
    private readonly reports: MedicalReportsRepository,
    private readonly contents: ReportContentsRepository,
    private readonly cache: ReportCacheService,
    private readonly access: ReportAccessService,
    private readonly audit: AuditEventsRepository,
  ) {}

  async status(caller: ReportCaller, body: unknown) {
    const { request_id } = parse(ReportStatusQuery, body);
    const job = await this.jobs.findByRequestId(request_id);
    if (!job || !this.access.maySee(caller, job.user_id)) {
      await this.record('report.status', caller, 'not_found', { request_id });
      return { request_id, found: false };
    }
    const {
      user_id,
      report_id,
      status,
      attempts,
      error_message,
      created_at,
      updated_at,
      started_at,
      completed_at,
      failed_at,
    } = job;
    await this.record('report.status', caller, 'found', { request_id, report_id, user_id });
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

  /**
   * Redis first (its copy only once MongoDB confirms the report still exists: a report deleted
   * while Redis was away is not served from a copy left there), then MongoDB (and back into Redis).
   */
  async get(caller: ReportCaller, body: unknown) {
    const { report_id } = parse(ReportIdQuery, body);
    const found = await this.find(report_id);
    if (!found || !this.access.maySee(caller, found.report.user_id)) {
      await this.record('report.get', caller, 'not_found', { report_id });
      return { report_id, found: false };
    }
    await this.record('report.get', caller, 'found', {
      report_id,
      request_id: found.report.request_id,
      user_id: found.report.user_id,
    });
    return { report_id, found: true, ...found };
  }

  async list(caller: ReportCaller, body: unknown) {
    const { user_id, page, page_size } = parse(ReportListQuery, body);
    if (!this.access.maySee(caller, user_id)) {
      await this.record('report.list', caller, 'forbidden', { user_id });
      throw new OutOfScopeError(`${caller.id} may not list the reports of ${user_id.slice(0, 200)} (REPORT_READERS)`);
    }
    const { items, total } = await this.reports.listByUser(user_id, page, page_size);
    await this.record('report.list', caller, 'listed', { user_id }, `${items.length} of ${total}`);
    return { user_id, page, page_size, total, items };
  }

  /** Removes the report, its job rows (so a republish generates afresh), its reuse entry and its cache entries. */
  async delete(caller: ReportCaller, body: unknown) {
    const { report_id } = parse(ReportIdQuery, body);
    const owner = await this.reports.ownerOf(report_id);
    if (owner !== null && !this.access.maySee(caller, owner)) {
      await this.record('report.delete', caller, 'not_found', { report_id });
      return { report_id, deleted: false };
    }
    const removed = await this.reports.deleteByReportId(report_id);
    const jobs = await this.jobs.deleteByReportId(report_id);
    if (removed) await this.contents.forget(removed.user_id, removed.content_hash, report_id);
    const keys = [`report:${report_id}`, ...(removed ? [`input:${removed.user_id}`] : [])];
    // Redis away: its copies stay until their TTL, but are never served (get checks MongoDB) nor reused (reuse reads MongoDB).
    const cacheCleared = await this.cache.forget(keys);
    await this.record('report.delete', caller, removed ? 'deleted' : 'not_found', {
      report_id,
      user_id: removed?.user_id,
    });
    this.logger.log({
      message: 'report deleted',
      report_id,
      found: Boolean(removed),
      jobs,
      cache_cleared: cacheCleared,
    });
    return { report_id, deleted: Boolean(removed) };
  }

  /** A refused query, recorded like the others. */
  async refused(action: AuditAction, caller: ReportCaller, reason: string): Promise<void> {
    await this.record(action, caller, 'forbidden', {}, reason);
  }

  private async find(reportId: string) {
    const cached = await this.cache.getReport(reportId);
    if (cached && (await this.reports.exists(reportId))) return { source: 'cache' as const, report: cached };
    const stored = await this.reports.findByReportId(reportId);
    if (!stored) {
      if (cached) await this.cache.forget([`report:${reportId}`]);
      return undefined;
    }
    await this.cache.setReport(stored);
    return { source: 'database' as const, report: stored };
  }

  private record(
    action: AuditAction,
    caller: ReportCaller,
    outcome: string,
    touched: Touched,
    detail?: string,
  ): Promise<void> {
    return this.audit.append({
      action,
      ...actorOf(caller),
      outcome,
      ...touched,
      ...(detail ? { detail: detail.slice(0, 300) } : {}),
    });
  }
}
