import { ReportGenerationRequest } from '@app/contracts';
import { KnowledgeBaseEntry } from '@app/mongo';
import { LabFinding } from '../lab-findings';

export interface ReportWriterInput {
  request: ReportGenerationRequest;
  findings: LabFinding[];
  knowledge: KnowledgeBaseEntry[];
}

export interface ReportSection {
  category: string;
  title: string;
  body: string;
  /** Knowledge-base ids cited inline in `body` as [kb-id]. */
  citations: string[];
}

export interface ReportDraft {
  generator: 'llm' | 'deterministic';
  llm_written: boolean;
  model?: string;
  summary: string;
  sections: ReportSection[];
  tokens_used: number;
  estimated_cost: number;
}

/** Text of one section's body as it is written: the pieces of a section, joined, are its body. */
export interface SectionText {
  /** The section's category. */
  section: string;
  /** The section's place in the report, from 0: two sections may share a category. */
  index: number;
  text: string;
}

/** Told of each piece of text as the writer produces it. Must not throw, and must return at once. */
export type TextListener = (text: SectionText) => void;

/**
 * Writes the prose of a report. Two implementations: the OpenAI one and the deterministic fallback.
 * With a listener, each section's body is also handed out as it is written (the LLM streams it).
 */
export interface ReportWriter {
  write(input: ReportWriterInput, onText?: TextListener): Promise<ReportDraft>;
}

export const REPORT_WRITER = Symbol('REPORT_WRITER');

const CITATION = /\[([A-Za-z0-9_.:-]+)\]/g;

/** The knowledge-base ids a text cites, limited to ids that exist (an LLM may invent some). */
export function citationsIn(text: string, knownIds: Set<string>): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(CITATION)) if (knownIds.has(match[1])) found.add(match[1]);
  return [...found];
}
