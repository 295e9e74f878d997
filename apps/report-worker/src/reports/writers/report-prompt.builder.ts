import { ReportWriterInput } from './report-writer.port';

const SYSTEM_PROMPT = [
  'You are a careful health educator writing a personalised, friendly report for a patient about their lab results.',
  'Use only the knowledge-base entries you are given for medical facts, and cite them inline as [kb-id] right after the sentence they support.',
  'Write one section per category (use the category names given). Do not diagnose; encourage discussing results with a clinician; repeat any red flags plainly.',
  'Answer with JSON only: {"summary": string, "sections": [{"category": string, "title": string, "body": string}]}.',
].join(' ');

/**
 * The chat messages for one report. Only de-identified data goes to the LLM: age and sex, labs,
 * risk summary, assessment and plan; never the patient's name or the user/request ids.
 */
export function buildReportPrompt({ request, findings, knowledge }: ReportWriterInput) {
  const facts = {
    patient: { age: request.patient.age, sex: request.patient.sex },
    labs: findings,
    cvd_summary: request.cvd_summary,
    assessment: request.assessment,
    plan: request.plan,
    red_flags: request.red_flags,
    knowledge_base: knowledge.map(({ id, category, title, content }) => ({ id, category, title, content })),
  };
  return [
    { role: 'system' as const, content: SYSTEM_PROMPT },
    { role: 'user' as const, content: JSON.stringify(facts) },
  ];
}
