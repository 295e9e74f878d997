import { KnowledgeBaseEntry } from '@app/mongo';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsDate, IsIn, IsNotEmpty, IsOptional, IsString, Matches, validateSync } from 'class-validator';

/** One entry of an import file; same fields as the `knowledge_base` collection. */
class KnowledgeBaseEntryInput {
  @IsString() @Matches(/^[A-Za-z0-9_.:-]+$/, { message: 'id may hold letters, digits and _ . : - only' }) id: string;
  @IsString() @Matches(/^[a-z0-9_]+$/, { message: 'category must be snake_case' }) category: string;
  @IsString() @IsNotEmpty() title: string;
  @IsString() @IsNotEmpty() content: string;
  @Matches(/^https:\/\/\S+$/, { message: 'source_url must be an https:// URL' }) source_url: string;
  @IsOptional() @IsBoolean() verified_source = false;
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? new Date(value) : value))
  @IsDate()
  last_updated?: Date;
  @IsOptional() @IsIn(['active', 'archived']) status: 'active' | 'archived' = 'active';
}

/** Parses and validates a JSON array of entries; throws one error naming every bad entry. */
export function parseKnowledgeBaseFile(text: string): KnowledgeBaseEntry[] {
  const raw: unknown = JSON.parse(text);
  if (!Array.isArray(raw)) throw new Error('a knowledge-base file holds a JSON array of entries');
  const problems: string[] = [];
  const entries = raw.map((item, index) => {
    const entry = plainToInstance(KnowledgeBaseEntryInput, item);
    for (const error of validateSync(entry)) {
      problems.push(`entry ${index} (${String(entry.id)}): ${Object.values(error.constraints ?? {}).join('; ')}`);
    }
    return { ...entry } as KnowledgeBaseEntry;
  });
  const ids = entries.map((entry) => entry.id);
  const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (duplicates.length) problems.push(`duplicate ids: ${[...new Set(duplicates)].join(', ')}`);
  if (problems.length) throw new Error(`invalid knowledge-base file:\n${problems.join('\n')}`);
  return entries;
}
