import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
import { Model } from 'mongoose';
import { appliedOrThrow, BulkWriteBatcher } from './bulk-write.batcher';
import { User } from './user.schema';

@Injectable()
export class UsersRepository {
  private readonly writes: BulkWriteBatcher<User>;

  constructor(@InjectModel(User.name) users: Model<User>) {
    this.writes = new BulkWriteBatcher(users.collection as unknown as Collection<User>);
  }

  /** Creates the user on first report, else bumps updated_at. Group-committed (see BulkWriteBatcher). */
  async touch(userId: string, now = new Date()): Promise<void> {
    const update = { $setOnInsert: { user_id: userId, created_at: now }, $set: { updated_at: now } };
    appliedOrThrow(await this.writes.write({ updateOne: { filter: { _id: userId }, update, upsert: true } }));
  }
}
