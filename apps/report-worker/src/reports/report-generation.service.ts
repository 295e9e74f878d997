import { ReportWorkerEnv } from '@app/config';
import { ReportGenerationRequest, ReportGenerationResponse } from '@app/contracts';
import { MedicalReportsRepository, ReportJob, ReportJobsRepository, UsersRepository } from '@app/mongo';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ReportCacheService } from '../cache/report-cache.service';
import { contentHashOf } from './content-hash';
import { JobBusyError } from './failure.classifier';
import { KnowledgeBaseService } from './knowledge-base.service';
import { categoriesOf, labFindings } from './lab-findings';
import { buildMedicalReport } from './report-document.builder';
import { REPORT_WRITER, ReportWriter } from './writers/report-writer.port';

type Reuse = Pick<ReportGenerationResponse, 'reused' | 'reused_by' | 'generator'>;

/**
 * The seed's generation flow behind the request_id ledger: a request already completed (or whose
 * report is already stored) is answered again without a second LLM call or a second document.
 * Throws on failure; the caller decides between retry and dead letter.
 */
@Injectable()
export class ReportGenerationService {
  private readonly logger = new Logger(ReportGenerationService.name);
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly leaseMs: number;
  private readonly reuseWindowMs: number;

  constructor(
    private readonly jobs: ReportJobsRepository,
    private readonly reports: MedicalReportsRepository,
    private readonly users: UsersRepository,
    private readonly knowledgeBase: KnowledgeBaseService,
    private readonly cache: ReportCacheService,
    @Inject(REPORT_WRITER) private readonly writer: ReportWriter,
    config: ConfigService<ReportWorkerEnv, true>,
  ) {
    // A holder that died stops renewing nothing: its lease simply runs out after the longest LLM call.
    this.leaseMs = config.get('OPENAI_TIMEOUT_MS', { infer: true }) + 30_000;
    this.reuseWindowMs = config.get('REPORT_CACHE_TTL', { infer: true }) * 1000;
  }

  /** `redelivered`: the broker's flag; the previous holder of this delivery is gone, so take the job over. */
  async generate(request: ReportGenerationRequest, redelivered: boolean): Promise<ReportGenerationResponse> {
    const contentHash = contentHashOf(request);
    const { request_id, user_id } = request;
    const job = await this.jobs.claim({ request_id, user_id, content_hash: contentHash, report_id: randomUUID() }, this.owner, this.leaseMs, redelivered);
    if (!job) {
      const current = await this.jobs.findByRequestId(request_id);
      if (current?.status === 'completed') return this.success(current, { reused: true, reused_by: 'request_id' });
      throw new JobBusyError(request_id);
    }
    const reused = await this.findReusable(job, contentHash);
    if (reused) return reused;
    return this.writeAndStore(request, job, contentHash);
  }

  /** Same content for the same user within REPORT_CACHE_TTL: Redis first (`input:{user_id}`), then MongoDB. */
  private async findReusable(job: ReportJob, contentHash: string): Promise<ReportGenerationResponse | undefined> {
    // Our own report, stored by an earlier delivery that died before completing the job.
    if (job.attempts > 1 && (await this.reports.exists(job.report_id))) {
      await this.jobs.complete(job.request_id, job.report_id);
      return this.success(job, { reused: true, reused_by: 'request_id' });
    }
    const since = new Date(Date.now() - this.reuseWindowMs);
    const cached = await this.cache.getInput(job.user_id);
    // A cache hit is checked by primary key: the report may have been deleted, or the cache outlived the database.
    const fromCache =
      cached?.content_hash === contentHash && new Date(cached.created_at) >= since && (await this.reports.exists(cached.report_id))
        ? { report_id: cached.report_id }
        : undefined;
    const found = fromCache ?? (await this.jobs.findReusable(job.user_id, contentHash, since));
    if (!found) return undefined;
    await this.jobs.complete(job.request_id, found.report_id, 'content_hash');
    return this.success({ ...job, report_id: found.report_id }, { reused: true, reused_by: 'content_hash' });
  }

  private async writeAndStore(request: ReportGenerationRequest, job: ReportJob, contentHash: string): Promise<ReportGenerationResponse> {
    const startedAt = performance.now();
    const findings = labFindings(request.labs);
    // The user upsert overlaps the LLM call: it only has to be done before the report is stored.
    const touched = this.users.touch(request.user_id);
    touched.catch(() => undefined); // awaited below; this only stops an early rejection going unhandled
    const knowledge = await this.knowledgeBase.forCategories(categoriesOf(request));
    const [draft] = await Promise.all([this.writer.write({ request, findings, knowledge }), touched]);
    const now = new Date();
    const report = buildMedicalReport({ reportId: job.report_id, contentHash, request, findings, knowledge, draft, startedAt, now });
    await this.reports.insertOnce(report);
    await Promise.all([
      this.jobs.complete(request.request_id, job.report_id),
      this.cache.setReport(report),
      this.cache.setInput(request.user_id, { content_hash: contentHash, report_id: job.report_id, created_at: now.toISOString() }),
    ]);
    this.logger.log({
      message: 'report generated',
      request_id: request.request_id,
      report_id: job.report_id,
      generator: draft.generator,
      attempt: job.attempts,
      tokens_used: draft.tokens_used,
      generation_time_seconds: report.generation_time_seconds,
    });
    return this.success(job, { reused: false, generator: draft.generator });
  }

  private success(job: Pick<ReportJob, 'request_id' | 'user_id' | 'report_id' | 'attempts'>, extra: Reuse): ReportGenerationResponse {
    return {
      request_id: job.request_id,
      user_id: job.user_id,
      report_id: job.report_id,
      status: 'success',
      error_message: null,
      timestamp: new Date().toISOString(),
      attempts: job.attempts,
      ...extra,
    };
  }
}
