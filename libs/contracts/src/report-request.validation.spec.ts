import { OversizedMessage } from './oversized-message';
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
    const result = validateReportRequest({
      ...valid,
      labs: [{ ...valid.labs[0], value: 'x', reference_range: { low: 'a' } }],
      patient: { age: -1, sex: 'male' },
    });
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

  it('refuses a body the consumer left unparsed for its size, naming size and limit', () => {
    expect(validateReportRequest(OversizedMessage.check(Buffer.alloc(2048), 1024), 2048)).toEqual({
      ok: false,
      problems: ['body: 2048 bytes, more than the 1024 allowed (not parsed)'],
      request_id: '',
      user_id: '',
    });
    expect(OversizedMessage.check(Buffer.alloc(1024), 1024)).toBeUndefined();
  });

  it('refuses a body larger than the limit before looking at its fields', () => {
    const result = validateReportRequest(valid, 2 * 1024 * 1024);
    expect(result).toEqual({
      ok: false,
      problems: ['body: 2097152 bytes, more than the 1048576 allowed'],
      request_id: 'r1',
      user_id: 'u1',
    });
  });

  it('refuses oversized lists with one problem each instead of validating every entry', () => {
    const labs = Array.from({ length: 20_000 }, () => ({ name: 1 }));
    const result = validateReportRequest({ ...valid, labs, red_flags: Array(101).fill('x') });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      'labs: at most 200 entries (got 20000)',
      'red_flags: at most 100 entries (got 101)',
    ]);
  });

  it('lists the first 20 problems and counts the rest', () => {
    const labs = Array.from({ length: 200 }, () => ({ name: 1 }));
    const result = validateReportRequest({ ...valid, labs });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(21);
    expect(result.problems[20]).toMatch(/^… and \d+ more$/);
  });
});
