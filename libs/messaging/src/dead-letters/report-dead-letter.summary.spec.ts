import { reportRequest } from '@app/testing';
import { summarizeDeadLetter } from './report-dead-letter.summary';

const headers = {
  'x-report-attempt': 4,
  'x-dead-letter-reason': 'LLM error 500: scripted failure 500',
  'x-failed-at': '2025-01-02T03:04:05.000Z',
  'x-worker': 'host:42',
};

describe('summarizeDeadLetter', () => {
  it('shows the ids and the failure headers, and nothing of the patient', () => {
    const request = reportRequest({ request_id: 'r-1', user_id: 'u-1' });
    const summary = summarizeDeadLetter({ message_id: 'm-1', headers, body: request });
    expect(summary).toEqual({
      request_id: 'r-1',
      user_id: 'u-1',
      message_id: 'm-1',
      reason: 'LLM error 500: scripted failure 500',
      attempt: 4,
      failed_at: '2025-01-02T03:04:05.000Z',
      worker: 'host:42',
    });
    const printed = JSON.stringify(summary);
    for (const value of ['LDL cholesterol', 'hypertension', 'female', '162', 'Walk briskly'])
      expect(printed).not.toContain(value);
  });

  it('reads the ids of a Nest client packet from its data, and names the pattern', () => {
    const body = {
      pattern: 'report.generate',
      id: 'nest-1',
      data: reportRequest({ request_id: 'r-2', user_id: 'u-2' }),
    };
    expect(summarizeDeadLetter({ headers, body })).toMatchObject({
      request_id: 'r-2',
      user_id: 'u-2',
      pattern: 'report.generate',
    });
  });

  it('shows no ids for a body that is not a JSON object, nor ids that are not text', () => {
    expect(summarizeDeadLetter({ headers: {}, body: 'not json {' })).toEqual({});
    expect(summarizeDeadLetter({ headers: {}, body: [1, 2] })).toEqual({});
    expect(summarizeDeadLetter({ headers: {}, body: { request_id: { name: 'Ada' }, user_id: ['x'] } })).toEqual({});
  });

  it('cuts an overlong id and a missing attempt count stays missing', () => {
    const summary = summarizeDeadLetter({
      headers: { 'x-report-attempt': 'many' },
      body: { request_id: 'x'.repeat(500), user_id: 7 },
    });
    expect(summary.request_id).toHaveLength(201);
    expect(summary).toMatchObject({ user_id: '7' });
    expect(summary.attempt).toBeUndefined();
  });

  it("names the broker's reason for a request it dead-lettered itself (delivery limit)", () => {
    const death = {
      count: 1,
      reason: 'delivery_limit',
      queue: 'requests',
      time: { '!': 'timestamp', value: 1735787045 },
    };
    expect(summarizeDeadLetter({ headers: { 'x-death': [death] }, body: { request_id: 'r-3' } })).toEqual({
      request_id: 'r-3',
      reason: 'dead-lettered by the broker: delivery_limit in requests',
      failed_at: '2025-01-02T03:04:05.000Z',
    });
  });

  it('shows when a dead letter was replayed before', () => {
    expect(summarizeDeadLetter({ headers: { 'x-replayed-at': '2025-01-03T00:00:00.000Z' }, body: {} })).toEqual({
      replayed_at: '2025-01-03T00:00:00.000Z',
    });
  });
});
