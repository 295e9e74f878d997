import { Injectable } from '@nestjs/common';
import { KnowledgeBaseEntry } from '@app/mongo';
import { categoryOf, LabFinding, rangeText } from '../lab-findings';
import { categoryTitle } from './category-titles';
import { ReportDraft, ReportSection, ReportWriter, ReportWriterInput, TextListener } from './report-writer.port';

const NOTICE =
  'This report was assembled automatically from your lab results and our vetted knowledge base; it was not written by an AI language model.';

function firstSentences(text: string, count = 2): string {
  const sentences = text.match(/[^.!?]+[.!?]+/g) ?? [text];
  return sentences.slice(0, count).join(' ').trim();
}

function describeFinding(finding: LabFinding): string {
  const where = finding.status === 'high' ? 'above' : finding.status === 'low' ? 'below' : 'within';
  return `Your ${finding.name} was ${finding.value} ${finding.unit}, ${where} the reference range (${rangeText(finding)}).`;
}

/**
 * Used when no OPENAI_API_KEY is set: a useful, reproducible report from the same inputs (labs out
 * of range, the plan, matching knowledge-base entries cited inline), clearly marked as not LLM-written.
 * A listener is told each section's body once, whole.
 */
@Injectable()
export class DeterministicReportWriter implements ReportWriter {
  async write({ request, findings, knowledge }: ReportWriterInput, onText?: TextListener): Promise<ReportDraft> {
    const outOfRange = findings.filter((finding) => finding.status !== 'normal');
    const planCategory = (action: string, category?: string) => category ?? categoryOf(action) ?? 'general';
    const categories = [
      ...new Set([
        ...findings.map((f) => f.category),
        ...knowledge.map((k) => k.category),
        ...request.plan.map((p) => planCategory(p.action, p.category)),
      ]),
    ].filter((category) => category !== 'general');
    const sections = categories
      .map((category) => {
        const plan = request.plan.filter((p) => planCategory(p.action, p.category) === category).map((p) => p.action);
        return this.section(category, findings, knowledge, plan);
      })
      .filter((section): section is ReportSection => section !== undefined);
    if (onText) sections.forEach(({ category, body }, index) => onText({ section: category, index, text: body }));
    const summary =
      outOfRange.length === 0
        ? `All ${findings.length} lab results are within their reference ranges. ${NOTICE}`
        : `${outOfRange.length} of ${findings.length} lab results are outside their reference ranges: ${outOfRange
            .map((f) => `${f.name} (${f.status})`)
            .join(', ')}. ${NOTICE}`;
    return { generator: 'deterministic', llm_written: false, summary, sections, tokens_used: 0, estimated_cost: 0 };
  }

  private section(
    category: string,
    findings: LabFinding[],
    knowledge: KnowledgeBaseEntry[],
    plan: string[],
  ): ReportSection | undefined {
    const labs = findings.filter((finding) => finding.category === category);
    const entries = knowledge.filter((entry) => entry.category === category);
    if (labs.every((lab) => lab.status === 'normal') && plan.length === 0 && entries.length === 0) return undefined;
    const lines = [
      ...labs.map(describeFinding),
      ...entries.map((entry) => `${firstSentences(entry.content)} [${entry.id}]`),
      ...plan.map((action) => `Plan: ${action}`),
    ];
    return {
      category,
      title: categoryTitle(category),
      body: lines.join('\n\n'),
      citations: entries.map((entry) => entry.id),
    };
  }
}
