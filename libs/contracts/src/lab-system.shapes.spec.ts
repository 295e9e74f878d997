import { normaliseLabSystemShapes, parseRangeText } from './lab-system.shapes';
import { validateReportRequest } from './report-request.validation';

const request = (overrides: Record<string, unknown>) => ({
  request_id: 'r1',
  user_id: 'u1',
  patient: { age: 50, sex: 'male' },
  labs: [],
  cvd_summary: { risk_category: 'low' },
  assessment: { summary: 'ok' },
  plan: [],
  red_flags: [],
  resources_table: [],
  disclaimer: 'educational',
  ...overrides,
});

describe('reference ranges as text', () => {
  it.each([
    ['<100', { high: 100 }],
    ['<= 100', { high: 100 }],
    ['≤5.6', { high: 5.6 }],
    ['>40', { low: 40 }],
    ['>= 60 mL/min/1.73m2', { low: 60 }],
    ['4.0-5.6', { low: 4, high: 5.6 }],
    ['4.0 - 5.6 %', { low: 4, high: 5.6 }],
    ['70–99 mg/dL', { low: 70, high: 99 }],
    ['3.5 to 5.0 mmol/L', { low: 3.5, high: 5 }],
    ['-2-2', { low: -2, high: 2 }],
  ])('reads %j as %j', (text, bounds) => {
    expect(parseRangeText(text)).toEqual(bounds);
  });

  it.each(['normal', '100 mg/dL', '99-70', '150,000-400,000', '<', ''])('does not guess at %j', (text) => {
    expect(parseRangeText(text)).toBeUndefined();
  });
});

describe('normaliseLabSystemShapes', () => {
  it('turns a FHIR Observation valueQuantity and referenceRange into the canonical lab', () => {
    const normalised = normaliseLabSystemShapes(
      request({
        labs: [
          {
            name: 'HbA1c',
            valueQuantity: { value: 6.1, unit: '%' },
            referenceRange: [{ low: { value: 4, unit: '%' }, high: { value: 5.6, unit: '%' } }],
          },
          { name: 'LDL', value: '162', unit: 'mg/dL', reference_range: { text: '<100 mg/dL' } },
        ],
      }),
    );
    expect(normalised).toEqual({
      body: expect.objectContaining({
        labs: [
          { name: 'HbA1c', value: 6.1, unit: '%', reference_range: { low: 4, high: 5.6 } },
          { name: 'LDL', value: 162, unit: 'mg/dL', reference_range: { high: 100 } },
        ],
      }),
    });
  });

  it('makes plain-string plan items actions, and an empty or missing summary an empty object', () => {
    const normalised = normaliseLabSystemShapes(
      request({ plan: ['Walk 30 minutes a day'], cvd_summary: {}, assessment: undefined }),
    );
    expect(normalised).toEqual({
      body: expect.objectContaining({ plan: [{ action: 'Walk 30 minutes a day' }], cvd_summary: {}, assessment: {} }),
    });
  });

  it('refuses a range it cannot read, naming the field and the accepted forms', () => {
    const normalised = normaliseLabSystemShapes(
      request({ labs: [{ name: 'LDL', value: 162, unit: 'mg/dL', reference_range: 'normal' }] }),
    );
    expect(normalised).toEqual({ problems: [expect.stringMatching(/^labs\.0\.reference_range: "normal" is not/)] });
    if ('problems' in normalised) expect(normalised.problems[0]).toContain('"70–99 mg/dL"');
  });
});

describe('validateReportRequest with lab-system shapes', () => {
  it('accepts text ranges, string plan items and empty summaries, and hands on the canonical request', () => {
    const result = validateReportRequest(
      request({
        labs: [{ name: 'Glucose', value: 104, unit: 'mg/dL', reference_range: '70–99 mg/dL' }],
        plan: ['Recheck fasting glucose in 3 months'],
        cvd_summary: {},
        assessment: {},
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.request.labs[0].reference_range).toEqual({ low: 70, high: 99 });
    expect(result.request.plan[0].action).toBe('Recheck fasting glucose in 3 months');
  });

  it('still refuses a value that is not a number', () => {
    const result = validateReportRequest(
      request({ labs: [{ name: 'LDL', value: 'high', unit: 'mg/dL', reference_range: '<100' }] }),
    );
    expect(result).toMatchObject({ ok: false, problems: [expect.stringMatching(/^labs\.0\.value/)] });
  });
});
