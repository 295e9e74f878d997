import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export type ReportJobStatus = 'pending' | 'processing' | 'completed' | 'failed';

/**
 * `report_jobs` (job tracking): one row per request_id, the idempotency key.
 * `report_id` is fixed on insert so every redelivery of the request writes the same report.
 */
@Schema({ collection: 'report_jobs', versionKey: false })
export class ReportJob {
  /** = request_id: lookups by primary key are the fast path on every MongoDB-wire server (FerretDB scans otherwise). */
  @Prop({ type: String }) _id: string;
  @Prop({ required: true, unique: true }) request_id: string;
  /** Not indexed: nothing asks jobs by user (reports are listed from medical_reports), and each index costs every write. */
  @Prop({ required: true }) user_id: string;
  @Prop({ required: true }) report_id: string;
  @Prop({ required: true }) content_hash: string;
  @Prop({ type: String, required: true }) status: ReportJobStatus;
  @Prop({ default: 0 }) attempts: number;
  /** Who holds the job while it is processing, and until when (a crashed holder's lease runs out). */
  @Prop() lease_owner?: string;
  @Prop() lease_until?: Date;
  @Prop({ type: String }) reused_by?: 'content_hash';
  @Prop() error_message?: string;
  @Prop({ required: true }) created_at: Date;
  @Prop() updated_at: Date;
  @Prop() started_at?: Date;
  @Prop() completed_at?: Date;
  @Prop() failed_at?: Date;
  /** End of retention (REPORT_RETENTION_DAYS from creation). */
  @Prop() expires_at?: Date;
}

export const ReportJobSchema = SchemaFactory.createForClass(ReportJob);
ReportJobSchema.index({ report_id: 1 });
