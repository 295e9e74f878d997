import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import { Model } from 'mongoose';
import { appliedOrThrow, BulkWriteBatcher } from './bulk-write.batcher';
import { MedicalReport } from './medical-report.schema';

const DUPLICATE_KEY = 11000;

export interface ReportPage {
  items: MedicalReport[];
  total: number;
}

@Injectable()
export class MedicalReportsRepository {
  private readonly inserts: BulkWriteBatcher<MedicalReport>;

  constructor(@InjectModel(MedicalReport.name) private readonly reports: Model<MedicalReport>) {
    this.inserts = new BulkWriteBatcher(reports.collection as unknown as Collection<MedicalReport>);
  }

  /**
   * Keyed by report_id: a concurrent redelivery of the same request cannot add a second document
   * (the duplicate _id is the proof the report is stored). A plain insert, not an upsert: FerretDB
   * runs an upsert as query + write, about 3x the cost for a document this size. Group-committed:
   * reports finished together are inserted by one command.
   */
  async insertOnce(report: MedicalReport): Promise<void> {
    appliedOrThrow(await this.inserts.write({ insertOne: { document: { ...report, _id: report.report_id } } }), DUPLICATE_KEY);
  }

  async exists(reportId: string): Promise<boolean> {
    // findOne by _id, not countDocuments: a count is not pushed down to a key lookup on FerretDB.
    return (await this.reports.findOne({ _id: reportId }, { _id: 1 }).lean().exec()) !== null;
  }

  async findByReportId(reportId: string): Promise<MedicalReport | null> {
    return this.reports.findOne({ _id: reportId }, { _id: 0 }).lean().exec();
  }

  /** A page of a user's reports, newest first, without the bulky content fields. */
  async listByUser(userId: string, page: number, pageSize: number): Promise<ReportPage> {
    const projection = { _id: 0, report_id: 1, request_id: 1, user_id: 1, created_at: 1, generator: 1, model: 1, tokens_used: 1 };
    const [items, total] = await Promise.all([
      this.reports
        .find({ user_id: userId }, projection)
        .sort({ created_at: -1 })
        .skip((page - 1) * pageSize)
        .limit(pageSize)
        .lean()
        .exec(),
      this.reports.countDocuments({ user_id: userId }).exec(),
    ]);
    return { items, total };
  }

  /** No projection on purpose: FerretDB v1 rejects findAndModify with `fields` (MongoDB accepts it). */
  async deleteByReportId(reportId: string): Promise<MedicalReport | null> {
    return this.reports.findOneAndDelete({ _id: reportId }).lean().exec();
  }
}
