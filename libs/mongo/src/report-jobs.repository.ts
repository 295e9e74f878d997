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

  /** Creates the job on first sight (report_id fixed by $setOnInsert) or returns the existing one. */
  async open(job: OpenJob, now = new Date()): Promise<ReportJob> {
    const update = { $setOnInsert: { ...job, status: 'pending', attempts: 0, created_at: now, updated_at: now } };
    try {
      return (await this.jobs
        .findOneAndUpdate({ request_id: job.request_id }, update, { upsert: true, new: true })
        .lean()
        .exec()) as ReportJob;
    } catch (error) {
      // Two deliveries raced on the upsert: the unique index let one win; read the winner.
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      return (await this.jobs.findOne({ request_id: job.request_id }).lean().exec()) as ReportJob;
    }
  }

  /**
   * Takes the job for this delivery. A job another live delivery is processing (lease not run
   * out) is refused unless `takeover` (the broker redelivered it: its previous holder is gone).
   */
  async claim(requestId: string, owner: string, leaseMs: number, takeover: boolean, now = new Date()): Promise<ReportJob | null> {
    const free = takeover
      ? {}
      : { $or: [{ status: { $ne: 'processing' } }, { lease_until: { $lt: now } }] };
    return (await this.jobs
      .findOneAndUpdate(
        { request_id: requestId, status: { $nin: ['completed'] }, ...free },
        {
          $set: { status: 'processing', lease_owner: owner, lease_until: new Date(now.getTime() + leaseMs), started_at: now, updated_at: now },
          $inc: { attempts: 1 },
        },
        { new: true },
      )
      .lean()
      .exec()) as ReportJob | null;
  }

  async complete(requestId: string, reportId: string, reusedBy?: 'content_hash', now = new Date()): Promise<void> {
    await this.jobs
      .updateOne(
        { request_id: requestId },
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
        { request_id: requestId, status: 'processing' },
        { $set: { status: 'pending', error_message: errorMessage, updated_at: now }, $unset: { lease_owner: '', lease_until: '' } },
      )
      .exec();
  }

  async fail(requestId: string, errorMessage: string, now = new Date()): Promise<void> {
    await this.jobs
      .updateOne(
        { request_id: requestId, status: { $ne: 'completed' } },
        { $set: { status: 'failed', error_message: errorMessage, failed_at: now, updated_at: now }, $unset: { lease_owner: '', lease_until: '' } },
      )
      .exec();
  }

  async findByRequestId(requestId: string): Promise<ReportJob | null> {
    return this.jobs.findOne({ request_id: requestId }).lean().exec();
  }

  async deleteByReportId(reportId: string): Promise<number> {
    return (await this.jobs.deleteMany({ report_id: reportId }).exec()).deletedCount;
  }
}
