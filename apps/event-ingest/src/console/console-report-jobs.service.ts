import { EnvelopeCipher } from '@app/crypto';
import { AuditEventsRepository, MedicalReportsRepository, ReportJob, ReportJobsRepository } from '@app/mongo';
import { Injectable, Optional } from '@nestjs/common';

export interface ConsoleJob {
  request_id: string;
  user_id: string;
  report_id: string;
  status: ReportJob['status'];
  attempts: number;
  error_message?: string;
  created_at: Date;
  updated_at?: Date;
  completed_at?: Date;
  failed_at?: Date;
}

export type JobLookup = { request_id: string } | { user_id: string };

/** The console is not connected to the report worker's MongoDB (CONSOLE_MONGODB_URI). */
export class ReportStoreNotConfiguredError extends Error {}

/** The viewer of a report through the console: the admin holding ADMIN_TOKEN, at this client address. */
export interface ConsoleViewer {
  client: string;
}

const MAX_JOBS = 20;

/**
 * Report jobs by request_id or user_id, and one stored report opened for the logged-in admin.
 * Every report view is appended to the audit trail before the report is answered, as the
 * worker's report.get is; with the trail unreachable the report is not shown.
 */
@Injectable()
export class ConsoleReportJobsService {
  constructor(
    @Optional() private readonly jobs?: ReportJobsRepository,
    @Optional() private readonly reports?: MedicalReportsRepository,
    @Optional() private readonly audit?: AuditEventsRepository,
    @Optional() private readonly cipher?: EnvelopeCipher,
  ) {}

  get configured(): boolean {
    return this.jobs !== undefined;
  }

  async find(lookup: JobLookup): Promise<ConsoleJob[]> {
    const jobs = this.store().jobs;
    const rows =
      'request_id' in lookup
        ? [await jobs.findByRequestId(lookup.request_id)].filter((job): job is ReportJob => job !== null)
        : await jobs.findByUser(lookup.user_id, MAX_JOBS);
    return rows.map(({ request_id, user_id, report_id, status, attempts, error_message, ...times }) => ({
      request_id,
      user_id,
      report_id,
      status,
      attempts,
      ...(error_message ? { error_message } : {}),
      created_at: times.created_at,
      updated_at: times.updated_at,
      completed_at: times.completed_at,
      failed_at: times.failed_at,
    }));
  }

  /** The report's markdown, or null when there is none within retention. Audited either way. */
  async report(
    reportId: string,
    viewer: ConsoleViewer,
  ): Promise<{ report_id: string; user_id: string; created_at: Date; markdown: string } | null> {
    const { reports, audit } = this.store();
    if (!this.cipher)
      throw new ReportStoreNotConfiguredError('reports are sealed: showing one needs CONSOLE_REPORT_ENCRYPTION_KEYS');
    const owner = await reports.ownerOf(reportId);
    const record = (outcome: string, userId?: string) =>
      audit.append({
        action: 'report.get',
        actor: `console@${viewer.client}`,
        actor_via: 'operator',
        outcome,
        report_id: reportId,
        ...(userId ? { user_id: userId } : {}),
        detail: 'viewed in the event-ingest console with ADMIN_TOKEN',
      });
    if (owner === null) {
      await record('not_found');
      return null;
    }
    await record('found', owner);
    const report = await reports.findByReportId(reportId);
    if (!report) return null;
    return {
      report_id: report.report_id,
      user_id: report.user_id,
      created_at: report.created_at,
      markdown: report.markdown_content,
    };
  }

  private store() {
    if (!this.jobs || !this.reports || !this.audit)
      throw new ReportStoreNotConfiguredError(
        'report jobs are not configured: set CONSOLE_MONGODB_URI (and CONSOLE_REPORT_ENCRYPTION_KEYS to open reports)',
      );
    return { jobs: this.jobs, reports: this.reports, audit: this.audit };
  }
}
