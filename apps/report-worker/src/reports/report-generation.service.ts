import { ReportWorkerEnv } from '@app/config';
import { ContentHmac } from '@app/crypto';
import { ReportGenerationRequest, ReportGenerationResponse } from '@app/contracts';
import {
  MedicalReportsRepository,
  ReportContentsRepository,
  ReportJob,
  ReportJobsRepository,
  ReportRetention,
  UsersRepository,
} from '@app/mongo';
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
import { ReportProgressStream } from './report-progress.stream';
import { REPORT_WRITER, ReportWriter } from './writers/report-writer.port';

type Reuse = Pick<ReportGenerationResponse, 'reused' | 'reused_by' | 'generator'>;
type JobFacts = Pick<ReportJob, 'request_id' | 'user_id' | 'report_id' | 'content_hash' | 'attempts'>;
type Claimed = { job: JobFacts } | { completed: ReportJob };

function valueOf<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/** Waits for every promise, then throws the first rejection, if any. */
async function allSettledOrThrow(promises: Array<Promise<unknown> | undefined>): Promise<void> {
  const failure = (await Promise.allSettled(promises)).find((result) => result.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
}

/** One delivery's standing on its job, across the tries a hold makes of it. */
export interface JobDelivery {
  /** The broker's flag: the message's previous holder is gone, so a lease on its job does not count. */
  readonly redelivered: boolean;
  /** Set once this delivery has claimed the job: its later tries renew the claim without counting another attempt. */
  claimed: boolean;
}

/**
 * Report generation behind the request_id ledger, with as few MongoDB round trips as the
 * guarantees allow (FerretDB charges several ms for each, more under concurrency):
 *   fresh report      claim (1 write) ∥ content check, LLM, store report, complete job ∥ record content ∥ audit
 *   same request_id   claim (refused) ∥ content check, read job (completed): answered
 *   same content      claim ∥ reuse index, complete the job with the reused report
 * Every lookup is by primary key. Throws on failure; the caller decides between holding the
 * request, retrying it through the broker and dead-lettering it.
 */
@Injectable()
export class ReportGenerationService {
  private readonly logger = new Logger(ReportGenerationService.name);
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly recentUsers = new RecentUsersCache();
  private readonly leaseMs: number;
  private readonly reuseWindowMs: number;
  /**
   * Deliveries at work in this process, per request_id. A lease held by this process (`owner`)
   * whose request has no other delivery here is stale: its holder's release failed (MongoDB away)
   * or it is this delivery's own, so it is taken over instead of waited out.
   */
  private readonly deliveriesHere = new Map<string, number>();

  constructor(
    private readonly jobs: ReportJobsRepository,
    private readonly reports: MedicalReportsRepository,
    private readonly contents: ReportContentsRepository,
    private readonly users: UsersRepository,
    private readonly knowledgeBase: KnowledgeBaseService,
    private readonly cache: ReportCacheService,
    private readonly metrics: ReportMetrics,
    @Inject(REPORT_WRITER) private readonly writer: ReportWriter,
    private readonly fingerprint: ContentHmac,
    private readonly retention: ReportRetention,
    config: ConfigService<ReportWorkerEnv, true>,
  ) {
    // A holder that died renews nothing: its lease simply runs out after the longest LLM call.
    this.leaseMs = config.get('OPENAI_TIMEOUT_MS', { infer: true }) + 30_000;
    this.reuseWindowMs = config.get('REPORT_CACHE_TTL', { infer: true }) * 1000;
  }

  /**
   * Runs `work` (one or more generate() tries) as one delivery of the request: registered as at
   * work in this process until it settles, so another delivery of the same request meanwhile
   * waits instead of taking over this one's lease.
   */
  async forDelivery<T>(
    requestId: string,
    redelivered: boolean,
    work: (delivery: JobDelivery) => Promise<T>,
  ): Promise<T> {
    this.deliveriesHere.set(requestId, (this.deliveriesHere.get(requestId) ?? 0) + 1);
    try {
      return await work({ redelivered, claimed: false });
    } finally {
      const left = this.deliveriesHere.get(requestId)! - 1;
      if (left === 0) this.deliveriesHere.delete(requestId);
      else this.deliveriesHere.set(requestId, left);
    }
  }

  /**
   * With `progress`, the writer's text also goes to it as it is written (a report answered from the
   * ledger or reused sends none). `onStored` runs once a newly written report is stored, beside the
   * job's completion instead of after it (the audit record: one group-commit wait less per report).
   */
  async generate(
    request: ReportGenerationRequest,
    delivery: JobDelivery,
    progress?: ReportProgressStream,
    onStored?: (response: ReportGenerationResponse) => Promise<void>,
  ): Promise<ReportGenerationResponse> {
    const contentHash = contentHashOf(request, this.fingerprint);
    const facts = { request_id: request.request_id, user_id: request.user_id, content_hash: contentHash };
    const ownLease = delivery.claimed || (this.deliveriesHere.get(request.request_id) ?? 0) <= 1;
    const resumed = delivery.claimed;
    // The claim goes out beside the reuse lookup: a fresh request (the common case) needs no read of
    // its job row, and its LLM call waits for one round trip instead of a read and then a write. A
    // completed or busy job refuses the claim (no change), and only then is the row read. Both are
    // settled before either's failure is thrown: a try again (a hold) must know whether this one's
    // claim went through, or it would count a second attempt.
    const [claim, reuse] = await Promise.allSettled([
      this.claim(facts, delivery, ownLease),
      this.findReusable(request.user_id, contentHash),
    ]);
    const claimed = valueOf(claim);
    const reusable = valueOf(reuse);
    if ('completed' in claimed) return this.success(claimed.completed, { reused: true, reused_by: 'request_id' });
    const { job } = claimed;
    if ((job.attempts > 1 || resumed) && (await this.reports.exists(job.report_id))) {
      // Our own report, stored by an earlier delivery (or try) that failed before completing the job.
      await this.finish(job, job.report_id);
      return this.success(job, { reused: true, reused_by: 'request_id' });
    }
    if (reusable) {
      await this.jobs.complete(job.request_id, reusable, 'content_hash');
      return this.success({ ...job, report_id: reusable }, { reused: true, reused_by: 'content_hash' });
    }
    return this.writeAndStore(request, job, progress, onStored);
  }

  /**
   * A report for the same input of the same user within REPORT_CACHE_TTL, from the durable reuse
   * index (by primary key), which report.delete and retention clear: a deleted or expired report is
   * never reused, whatever Redis still holds.
   */
  private async findReusable(userId: string, contentHash: string): Promise<string | undefined> {
    const since = Date.now() - this.reuseWindowMs;
    const stored = await this.contents.find(userId, contentHash);
    return stored && stored.created_at.getTime() >= since ? stored.report_id : undefined;
  }

  /**
   * Takes the job under a lease: created (a new request, nothing to read), or taken (a retry or a
   * redelivery: the row is read for its report_id and attempts), or refused: completed (answered
   * from the ledger) or held by another live delivery (JobBusyError). A redelivery takes over any
   * lease (its previous holder is gone); `ownLease`: this process's own lease counts as free.
   * A delivery's first claim counts an attempt; its later tries (a hold) renew the lease only.
   */
  private async claim(
    facts: Omit<JobFacts, 'report_id' | 'attempts'>,
    delivery: JobDelivery,
    ownLease: boolean,
  ): Promise<Claimed> {
    const candidate = randomUUID();
    const countAttempt = !delivery.claimed;
    const options = { takeover: delivery.redelivered, ownLease, countAttempt };
    const outcome = await this.jobs.claim({ ...facts, report_id: candidate }, this.owner, this.leaseMs, options);
    if (outcome !== 'refused') delivery.claimed = true;
    if (outcome === 'created') return { job: { ...facts, report_id: candidate, attempts: 1 } };
    const current = await this.jobs.findByRequestId(facts.request_id);
    if (outcome === 'taken' && current)
      return { job: { ...facts, report_id: current.report_id, attempts: current.attempts } };
    // Refused: completed meanwhile (answer it), or held by another live delivery.
    if (current?.status === 'completed') return { completed: current };
    throw new JobBusyError(facts.request_id);
  }

  private async writeAndStore(
    request: ReportGenerationRequest,
    job: JobFacts,
    progress?: ReportProgressStream,
    onStored?: (response: ReportGenerationResponse) => Promise<void>,
  ): Promise<ReportGenerationResponse> {
    const startedAt = performance.now();
    const findings = labFindings(request.labs);
    // The user upsert overlaps the LLM call: it only has to be done before the report is stored.
    const touched = this.touchUser(request.user_id);
    touched.catch(() => undefined); // awaited below; this only stops an early rejection going unhandled
    const knowledge = await this.knowledgeBase.forCategories(categoriesOf(request));
    const [draft] = await Promise.all([this.write({ request, findings, knowledge }, progress), touched]);
    const now = new Date();
    const expiresAt = this.retention.expiresAt(now);
    const report = buildMedicalReport({
      reportId: job.report_id,
      contentHash: job.content_hash,
      request,
      findings,
      knowledge,
      draft,
      startedAt,
      now,
      expiresAt,
    });
    await this.reports.insertOnce(report);
    const response = this.success(job, { reused: false, generator: draft.generator });
    // The report is stored: the job's completion and the audit record go out together, and are all
    // settled before this returns or throws (a try again does not start beside this one's audit write).
    await allSettledOrThrow([this.finish(job, job.report_id, now), this.cache.setReport(report), onStored?.(response)]);
    this.logger.log({
      message: 'report generated',
      request_id: request.request_id,
      report_id: job.report_id,
      generator: draft.generator,
      attempt: job.attempts,
      tokens_used: draft.tokens_used,
      generation_time_seconds: report.generation_time_seconds,
    });
    return response;
  }

  /** After the report is stored: job completed and the input recorded for reuse (both idempotent). */
  private async finish(job: JobFacts, reportId: string, now = new Date()): Promise<void> {
    await Promise.all([
      this.jobs.complete(job.request_id, reportId, undefined, now),
      this.contents.record(job.user_id, job.content_hash, reportId, now),
      this.cache.setInput(job.user_id, {
        content_hash: job.content_hash,
        report_id: reportId,
        created_at: now.toISOString(),
      }),
    ]);
  }

  private async touchUser(userId: string): Promise<void> {
    if (this.recentUsers.has(userId)) return;
    await this.users.touch(userId);
    this.recentUsers.add(userId);
  }

  private async write(input: Parameters<ReportWriter['write']>[0], progress?: ReportProgressStream) {
    const startedAt = performance.now();
    let result = 'error';
    try {
      const draft = await this.writer.write(input, progress && ((text) => progress.write(text)));
      progress?.flush();
      result = 'ok';
      this.metrics.tokens.inc({ generator: draft.generator }, draft.tokens_used ?? 0);
      return draft;
    } finally {
      this.metrics.llm.observe(
        { writer: this.writer.constructor.name, result },
        (performance.now() - startedAt) / 1000,
      );
    }
  }

  success(
    job: Pick<JobFacts, 'request_id' | 'user_id' | 'report_id' | 'attempts'>,
    extra: Reuse,
  ): ReportGenerationResponse {
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
