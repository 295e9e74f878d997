import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { User } from './user.schema';

@Injectable()
export class UsersRepository {
  constructor(@InjectModel(User.name) private readonly users: Model<User>) {}

  /** Creates the user on first report, else bumps updated_at. */
  async touch(userId: string, now = new Date()): Promise<void> {
    await this.users
      .updateOne({ _id: userId }, { $setOnInsert: { user_id: userId, created_at: now }, $set: { updated_at: now } }, { upsert: true })
      .exec();
  }
}
