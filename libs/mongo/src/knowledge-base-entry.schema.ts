import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** `knowledge_base`: vetted public-health text the reports cite by `id`. */
@Schema({ collection: 'knowledge_base', versionKey: false })
export class KnowledgeBaseEntry {
  @Prop({ required: true, unique: true }) id: string;
  @Prop({ required: true, index: true }) category: string;
  @Prop({ required: true }) title: string;
  @Prop({ required: true }) content: string;
  @Prop({ required: true }) source_url: string;
  @Prop({ default: false }) verified_source: boolean;
  @Prop() last_updated: Date;
  @Prop({ type: String, required: true, index: true, default: 'active' }) status: 'active' | 'archived';
}

export const KnowledgeBaseEntrySchema = SchemaFactory.createForClass(KnowledgeBaseEntry);
