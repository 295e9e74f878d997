import { ReportGenerationRequest } from '@app/contracts';
import { KnowledgeBaseEntry, MedicalReport } from '@app/mongo';
import { LabFinding, rangeText } from './lab-findings';
import { ReportDraft } from './writers/report-writer.port';

export interface ReportParts {
  reportId: string;
  contentHash: string;
  request: ReportGenerationRequest;
  findings: LabFinding[];
  knowledge: KnowledgeBaseEntry[];
  draft: ReportDraft;
  startedAt: number;
  now: Date;
  expiresAt: Date;
}

type ReportData = ReturnType<typeof reportDataOf>;

/** report_data: the structured report the markdown is written from. */
function reportDataOf(parts: ReportParts) {
  const { request, draft, now } = parts;
  const cited = new Set(draft.sections.flatMap((section) => section.citations));
  return {
    report_id: parts.reportId,
    request_id: request.request_id,
    user_id: request.user_id,
    generator: draft.generator,
    llm_written: draft.llm_written,
    model: draft.model,
    summary: draft.summary,
    labs: parts.findings,
    cvd_summary: request.cvd_summary,
    assessment: request.assessment,
    plan: request.plan,
    red_flags: request.red_flags,
    sections: draft.sections,
    references: parts.knowledge
      .filter((entry) => cited.has(entry.id))
      .map(({ id, title, source_url }) => ({ id, title, source_url })),
    resources_table: request.resources_table,
    disclaimer: request.disclaimer,
    generated_at: now.toISOString(),
  };
}

function markdownOf(data: ReportData): string {
  const labRows = data.labs.map((l) => `| ${l.name} | ${l.value} ${l.unit} | ${rangeText(l)} | ${l.status} |`);
  const sections = data.sections.map((s) => `## ${s.title}\n\n${s.body}`);
  const refs = data.references.map((r) => `- [${r.id}] ${r.title}: ${r.source_url}`);
  const flags = data.red_flags.map((flag) => `- ⚠️ ${flag}`);
  return [
    `# Your health report`,
    `_${data.llm_written ? `Written with the help of an AI model (${data.model}).` : 'Not written by an AI model (deterministic report).'}_`,
    data.summary,
    `## Lab results\n\n| Test | Result | Reference | Status |\n| --- | --- | --- | --- |\n${labRows.join('\n')}`,
    ...(flags.length ? [`## Red flags\n\n${flags.join('\n')}`] : []),
    ...sections,
    ...(refs.length ? [`## Sources\n\n${refs.join('\n')}`] : []),
    `---\n${data.disclaimer}`,
  ].join('\n\n');
}

/** The stored report: report_data (structured), json_content (the same, for clients), markdown_content. */
export function buildMedicalReport(parts: ReportParts): MedicalReport {
  const { request, draft, now } = parts;
  const data = reportDataOf(parts);
  return {
    report_id: parts.reportId,
    user_id: request.user_id,
    request_id: request.request_id,
    content_hash: parts.contentHash,
    report_data: data,
    json_content: data,
    markdown_content: markdownOf(data),
    generator: draft.generator,
    model: draft.model,
    created_at: now,
    expires_at: parts.expiresAt,
    generation_time_seconds: Math.round((performance.now() - parts.startedAt) / 10) / 100,
    tokens_used: draft.tokens_used,
    estimated_cost: draft.estimated_cost,
  };
}
