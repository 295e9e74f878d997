import { EnvelopeCipher } from '@app/crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import { Model } from 'mongoose';
import { appliedOrThrow, BulkWriteBatcher } from './bulk-write.batcher';
import { MedicalReport, MedicalReportContent } from './medical-report';
import { SealedMedicalReport } from './medical-report.schema';
import { ReportRetention } from './report-retention';

const DUPLICATE_KEY = 11000;

export interface ReportPage {
  items: Array<
    Pick<MedicalReport, 'report_id' | 'request_id' | 'user_id' | 'created_at' | 'generator' | 'model' | 'tokens_used'>
  >;
  total: number;
}

/** The identity of a removed report: enough to forget its reuse entry and cached copies, no health data. */
export type RemovedReport = Pick<SealedMedicalReport, 'report_id' | 'user_id' | 'content_hash'>;

/** The record a report's sealed content belongs to: it opens only on that report. */
export const sealedReportContext = (reportId: string) => `medical_reports:${reportId}`;

/** Reports in `medical_reports`, health data sealed on the way in and opened on the way out (see SealedMedicalReport). */
@Injectable()
export class MedicalReportsRepository {
  private readonly inserts: BulkWriteBatcher<SealedMedicalReport>;

  constructor(
    @InjectModel(SealedMedicalReport.name) private readonly reports: Model<SealedMedicalReport>,
    private readonly cipher: EnvelopeCipher,
  ) {
    this.inserts = new BulkWriteBatcher(reports.collection as unknown as Collection<SealedMedicalReport>);
  }

  /**
   * Keyed by report_id: a concurrent redelivery of the same request cannot add a second document
   * (the duplicate _id is the proof the report is stored). A plain insert, not an upsert: FerretDB
   * runs an upsert as query + write, about 3x the cost for a document this size. Group-committed:
   * reports finished together are inserted by one command.
   */
  async insertOnce(report: MedicalReport): Promise<void> {
    const { report_data, markdown_content, json_content: _sameAsReportData, ...clear } = report;
    const content: MedicalReportContent = { report_data, markdown_content };
    const document = {
      ...clear,
      _id: report.report_id,
      sealed_content: this.cipher.sealJson(content, sealedReportContext(report.report_id)),
      key_id: this.cipher.currentKeyId,
    };
    appliedOrThrow(await this.inserts.write({ insertOne: { document } }), DUPLICATE_KEY);
  }

  /** A stored report within its retention (one past it is as good as deleted). */
  async exists(reportId: string): Promise<boolean> {
    // findOne by _id, not countDocuments: a count is not pushed down to a key lookup on FerretDB.
    const row = await this.reports.findOne({ _id: reportId }, { _id: 0, expires_at: 1 }).lean().exec();
    return row !== null && !ReportRetention.expired(row);
  }

  /** Whose report this is (no content read), or null for none within retention. */
  async ownerOf(reportId: string): Promise<string | null> {
    const row = await this.reports.findOne({ _id: reportId }, { _id: 0, user_id: 1, expires_at: 1 }).lean().exec();
    return row && !ReportRetention.expired(row) ? row.user_id : null;
  }

  async findByReportId(reportId: string): Promise<MedicalReport | null> {
    const row = await this.reports.findOne({ _id: reportId }, { _id: 0 }).lean().exec();
    if (!row || ReportRetention.expired(row)) return null;
    const { sealed_content, key_id: _key, ...clear } = row;
    const { report_data, markdown_content } = this.cipher.openJson<MedicalReportContent>(
      sealed_content,
      sealedReportContext(reportId),
    );
    return { ...clear, report_data, json_content: report_data, markdown_content } as MedicalReport;
  }

  /** A page of a user's reports within retention, newest first, without their content. */
  async listByUser(userId: string, page: number, pageSize: number, now = new Date()): Promise<ReportPage> {
    const projection = {
      _id: 0,
      report_id: 1,
      request_id: 1,
      user_id: 1,
      created_at: 1,
      generator: 1,
      model: 1,
      tokens_used: 1,
    };
    const filter = { user_id: userId, expires_at: { $gt: now } };
    const [items, total] = await Promise.all([
      this.reports
        .find(filter, projection)
        .sort({ created_at: -1 })
        .skip((page - 1) * pageSize)
        .limit(pageSize)
        .lean()
        .exec(),
      this.reports.countDocuments(filter).exec(),
    ]);
    return { items, total };
  }

  /** No projection on purpose: FerretDB v1 rejects findAndModify with `fields` (MongoDB accepts it). */
  async deleteByReportId(reportId: string): Promise<RemovedReport | null> {
    const removed = await this.reports.findOneAndDelete({ _id: reportId }).lean().exec();
    return removed && { report_id: removed.report_id, user_id: removed.user_id, content_hash: removed.content_hash };
  }

  /**
   * Moves up to `limit` reports still sealed under an older key to the current key (their data
   * keys re-sealed, their content untouched). Each update applies only if the row is unchanged
   * since it was read. Returns how many moved; 0 when none is left.
   */
  async rewrapBatch(limit: number): Promise<number> {
    const current = this.cipher.currentKeyId;
    const rows = await this.reports
      .find({ key_id: { $ne: current } }, { _id: 1, key_id: 1, sealed_content: 1 })
      .limit(limit)
      .lean()
      .exec();
    if (rows.length === 0) return 0;
    const updates: AnyBulkWriteOperation<SealedMedicalReport>[] = rows.map((row) => ({
      updateOne: {
        filter: { _id: row._id, key_id: row.key_id },
        update: { $set: { sealed_content: this.cipher.rewrap(row.sealed_content), key_id: current } },
      },
    }));
    const result = await (this.reports.collection as unknown as Collection<SealedMedicalReport>).bulkWrite(updates, {
      ordered: false,
    });
    return result.modifiedCount;
  }

  /** Removes the reports past their retention; returns how many. */
  async deleteExpired(now = new Date()): Promise<number> {
    return (await this.reports.deleteMany({ expires_at: { $lte: now } }).exec()).deletedCount;
  }
}
