import { validateReportRequest } from './report-request.validation';

const valid = {
  request_id: 'r1',
  user_id: 'u1',
  patient: { age: 50, sex: 'male' },
  labs: [{ name: 'LDL', value: 120, unit: 'mg/dL', reference_range: { high: 100 } }],
  cvd_summary: { risk_category: 'low' },
  assessment: { summary: 'ok' },
  plan: [{ action: 'walk' }],
  red_flags: [],
  resources_table: [],
  disclaimer: 'educational',
};

describe('validateReportRequest', () => {
  it('accepts a seed-format request', () => {
    expect(validateReportRequest(valid).ok).toBe(true);
  });

  it('names every bad field with its nested path, and keeps the ids for the failed response', () => {
    const result = validateReportRequest({ ...valid, labs: [{ ...valid.labs[0], value: 'x', reference_range: { low: 'a' } }], patient: { age: -1, sex: 'male' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.request_id).toBe('r1');
    expect(result.problems.join('\n')).toMatch(/labs\.0\.value/);
    expect(result.problems.join('\n')).toMatch(/labs\.0\.reference_range\.low/);
    expect(result.problems.join('\n')).toMatch(/patient\.age/);
  });

  it('rejects bodies that are not JSON objects', () => {
    expect(validateReportRequest('{oops')).toMatchObject({ ok: false, problems: ['body: not valid JSON'] });
    expect(validateReportRequest([1])).toMatchObject({ ok: false, problems: ['body: must be a JSON object'] });
  });
});
