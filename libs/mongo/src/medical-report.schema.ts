import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Schema as MongooseSchema } from 'mongoose';

/** `medical_reports` (seed 001). report_data/json_content hold the structured report. */
@Schema({ collection: 'medical_reports', versionKey: false })
export class MedicalReport {
  /** = report_id (see ReportJob._id). */
  @Prop({ type: String }) _id?: string;
  @Prop({ required: true, unique: true }) report_id: string;
  @Prop({ required: true }) user_id: string;
  @Prop({ required: true }) request_id: string;
  /** SHA-256 of the canonical request minus request_id: identical inputs reuse this report. */
  @Prop({ required: true }) content_hash: string;
  @Prop({ type: MongooseSchema.Types.Mixed }) report_data: Record<string, unknown>;
  @Prop({ type: MongooseSchema.Types.Mixed }) json_content: Record<string, unknown>;
  @Prop() markdown_content: string;
  @Prop({ type: String, required: true }) generator: 'llm' | 'deterministic';
  @Prop() model?: string;
  @Prop({ required: true }) created_at: Date;
  @Prop() generation_time_seconds: number;
  @Prop() tokens_used: number;
  @Prop() estimated_cost: number;
}

export type MedicalReportDocument = HydratedDocument<MedicalReport>;
export const MedicalReportSchema = SchemaFactory.createForClass(MedicalReport);
MedicalReportSchema.index({ user_id: 1, created_at: -1 });
