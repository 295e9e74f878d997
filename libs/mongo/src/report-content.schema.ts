import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * `report_contents`: the durable duplicate-detection index, one row per user and input hash.
 * `_id` = `${user_id}:${content_hash}`, so the check is a primary-key lookup on any MongoDB-wire
 * server (FerretDB scans on every other field). Written only after the report is stored.
 */
@Schema({ collection: 'report_contents', versionKey: false })
export class ReportContent {
  @Prop({ type: String }) _id: string;
  @Prop({ required: true }) user_id: string;
  @Prop({ required: true }) content_hash: string;
  @Prop({ required: true }) report_id: string;
  @Prop({ required: true }) created_at: Date;
  /** The reused report's end of retention: past it, the input is no longer reused. */
  @Prop() expires_at?: Date;
}

export const ReportContentSchema = SchemaFactory.createForClass(ReportContent);

export function reportContentKey(userId: string, contentHash: string): string {
  return `${userId}:${contentHash}`;
}
