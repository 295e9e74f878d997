import { ReportWorkerEnv } from '@app/config';
import { ReportGenerationRequest, ReportGenerationResponse } from '@app/contracts';
import { MedicalReportsRepository, ReportContentsRepository, ReportJob, ReportJobsRepository, UsersRepository } from '@app/mongo';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ReportCacheService } from '../cache/report-cache.service';
import { ReportMetrics } from '../metrics/report.metrics';
import { contentHashOf } from './content-hash';
import { JobBusyError } from './failure.classifier';
import { KnowledgeBaseService } from './knowledge-base.service';
import { categoriesOf, labFindings } from './lab-findings';
import { RecentUsersCache } from './recent-users.cache';
import { buildMedicalReport } from './report-document.builder';
import { REPORT_WRITER, ReportWriter } from './writers/report-writer.port';

type Reuse = Pick<ReportGenerationResponse, 'reused' | 'reused_by' | 'generator'>;
type JobFacts = Pick<ReportJob, 'request_id' | 'user_id' | 'report_id' | 'content_hash' | 'attempts'>;
type Claimed = { job: JobFacts } | { completed: ReportJob };

/**
 * The seed's generation flow behind the request_id ledger, with as few MongoDB round trips as the
 * guarantees allow (FerretDB charges several ms for each, more under concurrency):
 *   fresh report      read job ∥ content check, claim (1 write), LLM, store report, complete job ∥ record content
 *   same request_id   read job (completed): answered
 *   same content      read job ∥ Redis (`input:` + `report:` present): one write creates the job completed
 * Every lookup is by primary key. Throws on failure; the caller decides between retry and dead letter.
 */
@Injectable()
export class ReportGenerationService {
  private readonly logger = new Logger(ReportGenerationService.name);
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly recentUsers = new RecentUsersCache();
  private readonly leaseMs: number;
  private readonly reuseWindowMs: number;

  constructor(
    private readonly jobs: ReportJobsRepository,
    private readonly reports: MedicalReportsRepository,
    private readonly contents: ReportContentsRepository,
    private readonly users: UsersRepository,
    private readonly knowledgeBase: KnowledgeBaseService,
    private readonly cache: ReportCacheService,
    private readonly metrics: ReportMetrics,
    @Inject(REPORT_WRITER) private readonly writer: ReportWriter,
    config: ConfigService<ReportWorkerEnv, true>,
  ) {
    // A holder that died renews nothing: its lease simply runs out after the longest LLM call.
    this.leaseMs = config.get('OPENAI_TIMEOUT_MS', { infer: true }) + 30_000;
    this.reuseWindowMs = config.get('REPORT_CACHE_TTL', { infer: true }) * 1000;
  }

  /** `redelivered`: the broker's flag; the previous holder of this delivery is gone, so take the job over. */
  async generate(request: ReportGenerationRequest, redelivered: boolean): Promise<ReportGenerationResponse> {
    const contentHash = contentHashOf(request);
    const facts = { request_id: request.request_id, user_id: request.user_id, content_hash: contentHash };
    // Both are primary-key reads (or Redis), independent of each other: run them together.
    const [existing, reusable] = await Promise.all([this.jobs.findByRequestId(request.request_id), this.findReusable(request.user_id, contentHash)]);
    if (existing?.status === 'completed') return this.success(existing, { reused: true, reused_by: 'request_id' });
    if (existing && !redelivered && existing.status === 'processing' && existing.lease_until && existing.lease_until > new Date()) {
      throw new JobBusyError(request.request_id);
    }
    if (!existing && reusable && (await this.jobs.insertReused({ ...facts, report_id: reusable }))) {
      return this.success({ ...facts, report_id: reusable, attempts: 1 }, { reused: true, reused_by: 'content_hash' });
    }
    const claimed = await this.claim(facts, existing, redelivered);
    if ('completed' in claimed) return this.success(claimed.completed, { reused: true, reused_by: 'request_id' });
    const { job } = claimed;
    if (job.attempts > 1 && (await this.reports.exists(job.report_id))) {
      // Our own report, stored by an earlier delivery that died before completing the job.
      await this.finish(job, job.report_id);
      return this.success(job, { reused: true, reused_by: 'request_id' });
    }
    if (reusable) {
      await this.jobs.complete(job.request_id, reusable, 'content_hash');
      return this.success({ ...job, report_id: reusable }, { reused: true, reused_by: 'content_hash' });
    }
    return this.writeAndStore(request, job);
  }

  /**
   * A report for the same input of the same user within REPORT_CACHE_TTL. Redis first: `input:`
   * names the user's last input and `report:` present proves its report is stored and not deleted,
   * so a hit costs MongoDB nothing. Otherwise (Redis lost the key, expired it earlier than the
   * window, holds another input, or is down) the durable index answers, by primary key.
   */
  private async findReusable(userId: string, contentHash: string): Promise<string | undefined> {
    const since = Date.now() - this.reuseWindowMs;
    const cached = await this.cache.getInput(userId);
    if (cached?.content_hash === contentHash && Date.parse(cached.created_at) >= since && (await this.cache.hasReport(cached.report_id))) {
      return cached.report_id;
    }
    const stored = await this.contents.find(userId, contentHash);
    return stored && stored.created_at.getTime() >= since ? stored.report_id : undefined;
  }

  /** Takes the job under a lease; the job row is read back only in the rare race where we lack it. */
  private async claim(facts: Omit<JobFacts, 'report_id' | 'attempts'>, existing: ReportJob | null, redelivered: boolean): Promise<Claimed> {
    const candidate = randomUUID();
    const outcome = await this.jobs.claim({ ...facts, report_id: candidate }, this.owner, this.leaseMs, redelivered);
    if (outcome === 'created') return { job: { ...facts, report_id: candidate, attempts: 1 } };
    if (outcome === 'taken' && existing) return { job: { ...facts, report_id: existing.report_id, attempts: existing.attempts + 1 } };
    const current = await this.jobs.findByRequestId(facts.request_id);
    if (outcome === 'taken' && current) return { job: { ...facts, report_id: current.report_id, attempts: current.attempts } };
    // Refused: completed meanwhile (answer it), or held by another live delivery.
    if (current?.status === 'completed') return { completed: current };
    throw new JobBusyError(facts.request_id);
  }

  private async writeAndStore(request: ReportGenerationRequest, job: JobFacts): Promise<ReportGenerationResponse> {
    const startedAt = performance.now();
    const findings = labFindings(request.labs);
    // The user upsert overlaps the LLM call: it only has to be done before the report is stored.
    const touched = this.touchUser(request.user_id);
    touched.catch(() => undefined); // awaited below; this only stops an early rejection going unhandled
    const knowledge = await this.knowledgeBase.forCategories(categoriesOf(request));
    const [draft] = await Promise.all([this.write({ request, findings, knowledge }), touched]);
    const now = new Date();
    const report = buildMedicalReport({ reportId: job.report_id, contentHash: job.content_hash, request, findings, knowledge, draft, startedAt, now });
    await this.reports.insertOnce(report);
    await Promise.all([this.finish(job, job.report_id, now), this.cache.setReport(report)]);
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

  /** After the report is stored: job completed and the input recorded for reuse (both idempotent). */
  private async finish(job: JobFacts, reportId: string, now = new Date()): Promise<void> {
    await Promise.all([
      this.jobs.complete(job.request_id, reportId, undefined, now),
      this.contents.record(job.user_id, job.content_hash, reportId, now),
      this.cache.setInput(job.user_id, { content_hash: job.content_hash, report_id: reportId, created_at: now.toISOString() }),
    ]);
  }

  private async touchUser(userId: string): Promise<void> {
    if (this.recentUsers.has(userId)) return;
    await this.users.touch(userId);
    this.recentUsers.add(userId);
  }

  private async write(input: Parameters<ReportWriter['write']>[0]) {
    const startedAt = performance.now();
    let result = 'error';
    try {
      const draft = await this.writer.write(input);
      result = 'ok';
      this.metrics.tokens.inc({ generator: draft.generator }, draft.tokens_used ?? 0);
      return draft;
    } finally {
      this.metrics.llm.observe((performance.now() - startedAt) / 1000, { writer: this.writer.constructor.name, result });
    }
  }

  success(job: Pick<JobFacts, 'request_id' | 'user_id' | 'report_id' | 'attempts'>, extra: Reuse): ReportGenerationResponse {
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
