import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { KnowledgeBaseEntry } from './knowledge-base-entry.schema';

export interface UpsertSummary {
  inserted: number;
  updated: number;
}

@Injectable()
export class KnowledgeBaseRepository {
  constructor(@InjectModel(KnowledgeBaseEntry.name) private readonly entries: Model<KnowledgeBaseEntry>) {}

  async findActiveByCategories(categories: string[]): Promise<KnowledgeBaseEntry[]> {
    if (categories.length === 0) return [];
    return this.entries
      .find({ status: 'active', category: { $in: categories } }, { _id: 0 })
      .sort({ category: 1, id: 1 })
      .lean()
      .exec();
  }

  /** Upsert by `id`: running the same import twice changes nothing the second time. */
  async upsertMany(entries: KnowledgeBaseEntry[]): Promise<UpsertSummary> {
    if (entries.length === 0) return { inserted: 0, updated: 0 };
    const result = await this.entries.bulkWrite(
      entries.map((entry) => ({ updateOne: { filter: { id: entry.id }, update: { $set: entry }, upsert: true } })),
      { ordered: true },
    );
    return { inserted: result.upsertedCount, updated: result.modifiedCount };
  }
}
