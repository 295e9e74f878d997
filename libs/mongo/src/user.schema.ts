import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** `users`: one row per user the worker has written a report for. */
@Schema({ collection: 'users', versionKey: false })
export class User {
  /** = user_id (see ReportJob._id). */
  @Prop({ type: String }) _id: string;
  @Prop({ required: true, unique: true }) user_id: string;
  @Prop({ index: true }) created_at: Date;
  @Prop() updated_at: Date;
}

export const UserSchema = SchemaFactory.createForClass(User);
