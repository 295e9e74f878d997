import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** What was done: the report patterns, and the operator actions on the report dead letters. */
export type AuditAction =
  'report.generate' | 'report.status' | 'report.get' | 'report.list' | 'report.delete' | 'dlq.replay';

/**
 * `audit_events`: one row per access to patient data, appended and never changed: who (`actor`,
 * and how it was known), what (`action` and the ids it touched), when (`at`) and how it ended
 * (`outcome`). Ids and outcomes only, never health data.
 */
@Schema({ collection: 'audit_events', versionKey: false })
export class AuditEvent {
  @Prop({ type: String }) _id: string;
  @Prop({ required: true }) at: Date;
  @Prop({ type: String, required: true }) action: AuditAction;
  /** The broker user or signing client; `anonymous` when the message named none. */
  @Prop({ required: true }) actor: string;
  @Prop({ type: String, required: true }) actor_via: 'broker_user' | 'signature' | 'anonymous' | 'operator';
  /** e.g. generated, reused, failed, found, not_found, deleted, listed, forbidden, replayed. */
  @Prop({ required: true }) outcome: string;
  @Prop({ index: true }) report_id?: string;
  @Prop() request_id?: string;
  @Prop({ index: true }) user_id?: string;
  /** A short reason for a refusal or failure (never the request's content). */
  @Prop() detail?: string;
}

export const AuditEventSchema = SchemaFactory.createForClass(AuditEvent);
