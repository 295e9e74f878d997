import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { ReportJob } from './report-job.schema';

export interface OpenJob {
  request_id: string;
  user_id: string;
  content_hash: string;
  /** Used only if the job is new: later deliveries keep the first report_id. */
  report_id: string;
}

const DUPLICATE_KEY = 11000;

/** The idempotency ledger: every state change is one atomic single-document update. */
@Injectable()
export class ReportJobsRepository {
  constructor(@InjectModel(ReportJob.name) private readonly jobs: Model<ReportJob>) {}

  /**
   * One round trip for the common case: creates the job on first sight (report_id fixed by
   * $setOnInsert) or takes an existing one, and marks it processing under this owner's lease.
   * Returns null when the job is completed or another live delivery holds it (the upsert then
   * collides with the unique request_id index). `takeover`: the broker redelivered the message,
   * so its previous holder is gone and its lease does not count.
   */
  async claim(job: OpenJob, owner: string, leaseMs: number, takeover: boolean, now = new Date()): Promise<ReportJob | null> {
    const free = takeover ? {} : { $or: [{ status: { $ne: 'processing' } }, { lease_until: { $lt: now } }] };
    try {
      return (await this.jobs
        .findOneAndUpdate(
          { _id: job.request_id, status: { $ne: 'completed' }, ...free },
          {
            $setOnInsert: { request_id: job.request_id, user_id: job.user_id, content_hash: job.content_hash, report_id: job.report_id, created_at: now },
            $set: { status: 'processing', lease_owner: owner, lease_until: new Date(now.getTime() + leaseMs), started_at: now, updated_at: now },
            $inc: { attempts: 1 },
          },
          { upsert: true, new: true },
        )
        .lean()
        .exec()) as ReportJob;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return null;
      throw error;
    }
  }

  async complete(requestId: string, reportId: string, reusedBy?: 'content_hash', now = new Date()): Promise<void> {
    await this.jobs
      .updateOne(
        { _id: requestId },
        {
          $set: { status: 'completed', report_id: reportId, completed_at: now, updated_at: now, ...(reusedBy ? { reused_by: reusedBy } : {}) },
          $unset: { lease_owner: '', lease_until: '', error_message: '' },
        },
      )
      .exec();
  }

  /** Back to pending until the broker redelivers it from a retry queue. */
  async release(requestId: string, errorMessage: string, now = new Date()): Promise<void> {
    await this.jobs
      .updateOne(
        { _id: requestId, status: 'processing' },
        { $set: { status: 'pending', error_message: errorMessage, updated_at: now }, $unset: { lease_owner: '', lease_until: '' } },
      )
      .exec();
  }

  async fail(requestId: string, errorMessage: string, now = new Date()): Promise<void> {
    await this.jobs
      .updateOne(
        { _id: requestId, status: { $ne: 'completed' } },
        { $set: { status: 'failed', error_message: errorMessage, failed_at: now, updated_at: now }, $unset: { lease_owner: '', lease_until: '' } },
      )
      .exec();
  }

  /**
   * The newest completed job of this user for the same input since `since` (duplicate detection).
   * Asked of the small job rows, not of the large reports.
   */
  async findReusable(userId: string, contentHash: string, since: Date): Promise<Pick<ReportJob, 'report_id'> | null> {
    return this.jobs
      .findOne({ user_id: userId, content_hash: contentHash, status: 'completed', completed_at: { $gte: since } }, { _id: 0, report_id: 1 })
      .sort({ completed_at: -1 })
      .lean()
      .exec();
  }

  async findByRequestId(requestId: string): Promise<ReportJob | null> {
    return this.jobs.findOne({ _id: requestId }).lean().exec();
  }

  async deleteByReportId(reportId: string): Promise<number> {
    return (await this.jobs.deleteMany({ report_id: reportId }).exec()).deletedCount;
  }
}
