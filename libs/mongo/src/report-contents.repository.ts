import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import { Model } from 'mongoose';
import { appliedOrThrow, BulkWriteBatcher } from './bulk-write.batcher';
import { ReportContent, reportContentKey } from './report-content.schema';
import { ReportRetention } from './report-retention';

export type StoredContent = Pick<ReportContent, 'report_id' | 'created_at'>;

/** Duplicate detection by primary key (see ReportContent). */
@Injectable()
export class ReportContentsRepository {
  private readonly writes: BulkWriteBatcher<ReportContent>;

  constructor(
    @InjectModel(ReportContent.name) private readonly contents: Model<ReportContent>,
    private readonly retention: ReportRetention,
  ) {
    this.writes = new BulkWriteBatcher(contents.collection as unknown as Collection<ReportContent>);
  }

  async find(userId: string, contentHash: string): Promise<StoredContent | null> {
    const row = await this.contents
      .findOne({ _id: reportContentKey(userId, contentHash) }, { _id: 0, report_id: 1, created_at: 1, expires_at: 1 })
      .lean()
      .exec();
    return row && !ReportRetention.expired(row) ? { report_id: row.report_id, created_at: row.created_at } : null;
  }

  /** Group-committed (see BulkWriteBatcher). The newest report for this input wins; an older row past the reuse window is simply overwritten. */
  async record(userId: string, contentHash: string, reportId: string, now = new Date()): Promise<void> {
    const update = {
      $set: {
        user_id: userId,
        content_hash: contentHash,
        report_id: reportId,
        created_at: now,
        expires_at: this.retention.expiresAt(now),
      },
    };
    appliedOrThrow(
      await this.writes.write({
        updateOne: { filter: { _id: reportContentKey(userId, contentHash) }, update, upsert: true },
      }),
    );
  }

  /** Only the row that still points at this report (a newer report for the same input keeps its row). */
  async forget(userId: string, contentHash: string, reportId: string): Promise<void> {
    await this.contents.deleteOne({ _id: reportContentKey(userId, contentHash), report_id: reportId }).exec();
  }

  async deleteExpired(now = new Date()): Promise<number> {
    return (await this.contents.deleteMany({ expires_at: { $lte: now } }).exec()).deletedCount;
  }
}
