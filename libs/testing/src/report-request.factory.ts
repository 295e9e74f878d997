import { randomUUID } from 'node:crypto';

/**
 * A valid seed-format report request (plain JSON, as a pika publisher would send it). Values are
 * fictional; LDL, triglycerides, HbA1c and systolic pressure are out of range on purpose.
 */
export function reportRequest(overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    request_id: randomUUID(),
    user_id: `user-${randomUUID().slice(0, 8)}`,
    patient: { age: 54, sex: 'female', conditions: ['hypertension'] },
    labs: [
      { name: 'LDL cholesterol', value: 162, unit: 'mg/dL', reference_range: { high: 100 } },
      { name: 'HDL cholesterol', value: 52, unit: 'mg/dL', reference_range: { low: 50 } },
      { name: 'Triglycerides', value: 210, unit: 'mg/dL', reference_range: { high: 150 } },
      { name: 'HbA1c', value: 6.1, unit: '%', reference_range: { low: 4, high: 5.6 } },
      { name: 'Systolic blood pressure', value: 142, unit: 'mmHg', reference_range: { high: 120 } },
      { name: 'eGFR', value: 88, unit: 'mL/min/1.73m2', reference_range: { low: 60 } },
    ],
    cvd_summary: { ten_year_risk_percent: 8.4, risk_category: 'borderline' },
    assessment: { summary: 'Raised LDL and triglycerides, prediabetes-range HbA1c, stage 2 systolic pressure.' },
    plan: [
      { action: 'Walk briskly 30 minutes on 5 days a week', category: 'physical_activity' },
      { action: 'Cut down on salt and sugary drinks' },
    ],
    red_flags: ['Blood pressure above 180/120 with symptoms needs emergency care'],
    resources_table: [{ title: 'CDC: About cholesterol', url: 'https://www.cdc.gov/cholesterol/about/index.html' }],
    disclaimer: 'This report is educational and does not replace advice from your clinician.',
    ...overrides,
  };
}
