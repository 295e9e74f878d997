import { validateReportRequest } from '@app/contracts';
import { reportRequest } from '@app/testing/report-request.factory';
import { KnowledgeBaseEntry } from '@app/mongo';
import { categoriesOf, labFindings } from '../lab-findings';
import { DeterministicReportWriter } from './deterministic.report-writer';

const kb = (id: string, category: string): KnowledgeBaseEntry => ({
  id,
  category,
  title: id,
  content: `Fact about ${category}. Second sentence. Third sentence.`,
  source_url: 'https://example.org',
  verified_source: true,
  last_updated: new Date(),
  status: 'active',
});

describe('DeterministicReportWriter', () => {
  it('reports out-of-range labs with cited knowledge-base entries, marked as not LLM-written', async () => {
    const validation = validateReportRequest(reportRequest());
    if (!validation.ok) throw new Error(validation.problems.join());
    const request = validation.request;
    expect(categoriesOf(request)).toEqual([
      'blood_pressure',
      'blood_sugar',
      'cholesterol',
      'kidney_health',
      'nutrition',
      'physical_activity',
      'triglycerides',
    ]);
    const draft = await new DeterministicReportWriter().write({
      request,
      findings: labFindings(request.labs),
      knowledge: [kb('kb-chol-001', 'cholesterol'), kb('kb-bp-001', 'blood_pressure')],
    });
    expect(draft).toMatchObject({ generator: 'deterministic', llm_written: false, tokens_used: 0 });
    expect(draft.summary).toMatch(/4 of 6 lab results are outside/);
    expect(draft.summary).toMatch(/not written by an AI/);
    const cholesterol = draft.sections.find((s) => s.category === 'cholesterol')!;
    expect(cholesterol.body).toMatch(/LDL cholesterol was 162 mg\/dL, above the reference range/);
    expect(cholesterol.citations).toEqual(['kb-chol-001']);
    expect(cholesterol.body).toContain('[kb-chol-001]');
  });

  it('tells a listener each section once, whole, in the order of the report', async () => {
    const validation = validateReportRequest(reportRequest());
    if (!validation.ok) throw new Error(validation.problems.join());
    const told: Array<{ section: string; index: number; text: string }> = [];
    const draft = await new DeterministicReportWriter().write(
      {
        request: validation.request,
        findings: labFindings(validation.request.labs),
        knowledge: [kb('kb-chol-001', 'cholesterol')],
      },
      (text) => told.push(text),
    );
    expect(draft.sections.length).toBeGreaterThan(1);
    expect(told).toEqual(
      draft.sections.map((section, index) => ({ section: section.category, index, text: section.body })),
    );
  });
});
