import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection, Filter } from 'mongodb';
import { Model } from 'mongoose';
import { appliedOrThrow, BulkWriteBatcher } from './bulk-write.batcher';
import { ReportJob } from './report-job.schema';
import { ReportRetention } from './report-retention';

export interface OpenJob {
  request_id: string;
  user_id: string;
  content_hash: string;
  /** Used only if the job is new: later deliveries keep the first report_id. */
  report_id: string;
}

const DUPLICATE_KEY = 11000;

export type ClaimOutcome = 'created' | 'taken' | 'refused';

export interface ClaimOptions {
  /** The broker redelivered the message: its previous holder is gone, so any lease is taken over. */
  takeover?: boolean;
  /**
   * A lease this owner holds does not count either: the caller knows no other delivery of the
   * request is at work in its process (the lease is its own, or left by one that has ended).
   */
  ownLease?: boolean;
  /** False for another try of a delivery that already claimed the job: the lease is renewed, no attempt counted. */
  countAttempt?: boolean;
}

/**
 * The idempotency ledger: every state change is one atomic single-document update. The hot-path
 * writes (claim, complete) go through a group-commit batcher; each is still its own
 * atomic update with its own outcome.
 */
@Injectable()
export class ReportJobsRepository {
  private readonly writes: BulkWriteBatcher<ReportJob>;

  constructor(
    @InjectModel(ReportJob.name) private readonly jobs: Model<ReportJob>,
    private readonly retention: ReportRetention,
  ) {
    this.writes = new BulkWriteBatcher(jobs.collection as unknown as Collection<ReportJob>);
  }

  /**
   * One `updateOne` (no findAndModify: FerretDB serialises those, ~40/s under concurrency): creates
   * the job on first sight (report_id fixed by $setOnInsert) or takes an existing one that is not
   * completed and not held by another live delivery, and marks it processing under this owner's
   * lease. `created`: the job is new, so its report_id is the one passed in. `taken`: an existing
   * job, whose report_id the caller already read or must read. `refused`: completed or held
   * elsewhere (the upsert collided with the existing _id). `takeover` (true, or `options.takeover`):
   * the broker redelivered the message, so its previous holder is gone and its lease does not count.
   */
  async claim(
    job: OpenJob,
    owner: string,
    leaseMs: number,
    options: boolean | ClaimOptions,
    now = new Date(),
  ): Promise<ClaimOutcome> {
    const {
      takeover = false,
      ownLease = false,
      countAttempt = true,
    } = typeof options === 'boolean' ? { takeover: options } : options;
    const freeWhen = [
      { status: { $ne: 'processing' as const } },
      { lease_until: { $lt: now } },
      ...(ownLease ? [{ lease_owner: owner }] : []),
    ];
    const free: Filter<ReportJob> = takeover ? {} : { $or: freeWhen };
    const attempts = countAttempt ? { $inc: { attempts: 1 } } : {};
    const outcome = await this.writes.write({
      updateOne: {
        filter: { _id: job.request_id, status: { $ne: 'completed' }, ...free },
        update: {
          $setOnInsert: {
            request_id: job.request_id,
            user_id: job.user_id,
            content_hash: job.content_hash,
            report_id: job.report_id,
            created_at: now,
            expires_at: this.retention.expiresAt(now),
            ...(countAttempt ? {} : { attempts: 1 }),
          },
          $set: {
            status: 'processing',
            lease_owner: owner,
            lease_until: new Date(now.getTime() + leaseMs),
            started_at: now,
            updated_at: now,
          },
          ...attempts,
        },
        upsert: true,
      },
    });
    if (appliedOrThrow(outcome, DUPLICATE_KEY).errorCode === DUPLICATE_KEY) return 'refused';
    return outcome.upserted ? 'created' : 'taken';
  }

  async complete(requestId: string, reportId: string, reusedBy?: 'content_hash', now = new Date()): Promise<void> {
    const outcome = await this.writes.write({
      updateOne: {
        filter: { _id: requestId },
        update: {
          $set: {
            status: 'completed',
            report_id: reportId,
            completed_at: now,
            updated_at: now,
            ...(reusedBy ? { reused_by: reusedBy } : {}),
          },
          $unset: { lease_owner: '', lease_until: '', error_message: '' },
        },
      },
    });
    appliedOrThrow(outcome);
  }

  /** Back to pending until the broker redelivers it from a retry queue. */
  async release(requestId: string, errorMessage: string, now = new Date()): Promise<void> {
    await this.jobs
      .updateOne(
        { _id: requestId, status: 'processing' },
        {
          $set: { status: 'pending', error_message: errorMessage, updated_at: now },
          $unset: { lease_owner: '', lease_until: '' },
        },
      )
      .exec();
  }

  async fail(requestId: string, errorMessage: string, now = new Date()): Promise<void> {
    await this.jobs
      .updateOne(
        { _id: requestId, status: { $ne: 'completed' } },
        {
          $set: { status: 'failed', error_message: errorMessage, failed_at: now, updated_at: now },
          $unset: { lease_owner: '', lease_until: '' },
        },
      )
      .exec();
  }

  async findByRequestId(requestId: string): Promise<ReportJob | null> {
    return this.jobs.findOne({ _id: requestId }).lean().exec();
  }

  /**
   * A user's newest jobs, for an operator looking one up (the console). Jobs have no user index
   * (every index costs each write of the hot path), so this scans: an operator's query, never the
   * worker's.
   */
  async findByUser(userId: string, limit: number): Promise<ReportJob[]> {
    return this.jobs.find({ user_id: userId }).sort({ created_at: -1 }).limit(limit).lean().exec();
  }

  async deleteExpired(now = new Date()): Promise<number> {
    return (await this.jobs.deleteMany({ expires_at: { $lte: now } }).exec()).deletedCount;
  }

  async deleteByReportId(reportId: string): Promise<number> {
    return (await this.jobs.deleteMany({ report_id: reportId }).exec()).deletedCount;
  }
}
