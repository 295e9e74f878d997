import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * `medical_reports` as stored: the ids and figures in the clear (for lookups, lists and
 * accounting), the health data (report_data and markdown_content: patient, labs, assessment, plan,
 * red flags, the written text) in one sealed field under the key named by key_id.
 */
@Schema({ collection: 'medical_reports', versionKey: false })
export class SealedMedicalReport {
  /** = report_id (see ReportJob._id). */
  @Prop({ type: String }) _id?: string;
  @Prop({ required: true, unique: true }) report_id: string;
  @Prop({ required: true }) user_id: string;
  @Prop({ required: true }) request_id: string;
  @Prop({ required: true }) content_hash: string;
  /** MedicalReportContent, sealed (EnvelopeCipher) for the context `medical_reports:<report_id>`. */
  @Prop({ required: true }) sealed_content: string;
  /** The ring key that seals sealed_content's data key: rotation finds the rows still under an older one. */
  @Prop({ required: true }) key_id: string;
  @Prop({ type: String, required: true }) generator: 'llm' | 'deterministic';
  @Prop() model?: string;
  @Prop({ required: true }) created_at: Date;
  @Prop({ required: true }) expires_at: Date;
  @Prop() generation_time_seconds: number;
  @Prop() tokens_used?: number;
  @Prop() estimated_cost?: number;
}

export const SealedMedicalReportSchema = SchemaFactory.createForClass(SealedMedicalReport);
SealedMedicalReportSchema.index({ user_id: 1, created_at: -1 });
