import { APIConnectionTimeoutError, APIError } from 'openai';
import { describeFailure, isTransient, JobBusyError } from './failure.classifier';
import { toLlmCallError } from './writers/llm.report-writer';

const apiError = (status: number) => toLlmCallError(APIError.generate(status, { message: 'x' }, 'x', new Headers()));

describe('isTransient', () => {
  it.each([429, 500, 503, 408])('retries LLM status %i', (status) => expect(isTransient(apiError(status))).toBe(true));
  it.each([400, 401, 404, 422])('does not retry LLM status %i', (status) => expect(isTransient(apiError(status))).toBe(false));

  it('retries timeouts, Mongo outages and busy jobs', () => {
    expect(isTransient(toLlmCallError(new APIConnectionTimeoutError()))).toBe(true);
    expect(isTransient(Object.assign(new Error('down'), { name: 'MongoServerSelectionError' }))).toBe(true);
    expect(isTransient(new JobBusyError('r1'))).toBe(true);
  });

  it('gives unknown errors the bounded retries, unless marked permanent', () => {
    expect(isTransient(new Error('bug'))).toBe(true);
    expect(isTransient(Object.assign(new Error('bad'), { permanent: true }))).toBe(false);
  });

  it('describes LLM failures with their status', () => {
    expect(describeFailure(apiError(503))).toMatch(/^LLM error 503: /);
  });
});
