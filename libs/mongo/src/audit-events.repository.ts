import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { appliedOrThrow, BulkWriteBatcher } from './bulk-write.batcher';
import { AuditEvent } from './audit-event.schema';

export type AuditRecord = Omit<AuditEvent, '_id' | 'at'> & { at?: Date };

/** The audit trail: append and read, nothing else (no update, no delete). Appends are group-committed. */
@Injectable()
export class AuditEventsRepository {
  private readonly appends: BulkWriteBatcher<AuditEvent>;

  constructor(@InjectModel(AuditEvent.name) private readonly events: Model<AuditEvent>) {
    this.appends = new BulkWriteBatcher(events.collection as unknown as Collection<AuditEvent>);
  }

  /** Resolves once the record is stored (with the connection's majority, journaled write concern). */
  async append(record: AuditRecord): Promise<void> {
    const document = { ...record, _id: randomUUID(), at: record.at ?? new Date() } as AuditEvent;
    appliedOrThrow(await this.appends.write({ insertOne: { document } }));
  }

  /** Newest first. */
  async find(filter: { report_id?: string; user_id?: string }, limit: number): Promise<AuditEvent[]> {
    return this.events.find(filter, { _id: 0 }).sort({ at: -1 }).limit(limit).lean().exec();
  }
}
