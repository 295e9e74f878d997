import { MongoBulkWriteError, MongoNetworkError, MongoServerError } from 'mongodb';
import { APIConnectionTimeoutError, APIError } from 'openai';
import { classifyFailure, describeFailure, holdCauseOf, isTransient, JobBusyError } from './failure.classifier';
import { UnusableLlmOutputError } from './writers/llm.report-writer';
import { toLlmCallError } from './writers/llm.report-writer';

const apiError = (status: number) => toLlmCallError(APIError.generate(status, { message: 'x' }, 'x', new Headers()));

describe('isTransient', () => {
  it.each([429, 500, 503, 408])('retries LLM status %i', (status) => expect(isTransient(apiError(status))).toBe(true));
  it.each([400, 401, 404, 422])('does not retry LLM status %i', (status) =>
    expect(isTransient(apiError(status))).toBe(false),
  );

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

describe('classifyFailure', () => {
  const mongo = (name: string) => Object.assign(new Error('down'), { name });
  const bulkResult = (writeConcernError?: object) => ({ getWriteConcernError: () => writeConcernError }) as never;

  it.each([
    'MongoNetworkError',
    'MongoServerSelectionError',
    'MongooseServerSelectionError',
    'MongoPoolClearedError',
    'PoolClearedOnNetworkError',
    'MongoNotConnectedError',
    'MongoWriteConcernError',
  ])('holds through %s as a MongoDB outage', (name) => {
    expect(classifyFailure(mongo(name))).toBe('outage');
    expect(holdCauseOf(mongo(name))).toBe('MongoDB unreachable');
  });

  it('sees the outage inside a group-committed write (MongoBulkWriteError wraps the network error)', () => {
    expect(classifyFailure(new MongoBulkWriteError(new MongoNetworkError('connection 9 closed'), bulkResult()))).toBe(
      'outage',
    );
  });

  it('holds through a write the replica set could not confirm, and through a stepped-down primary', () => {
    const unconfirmed = new MongoBulkWriteError(
      { message: 'waiting for replication timed out', code: 64 },
      bulkResult({ code: 64 }),
    );
    expect(classifyFailure(unconfirmed)).toBe('outage');
    expect(classifyFailure(new MongoServerError({ message: 'not primary', code: 10107 }))).toBe('outage');
  });

  it('does not hold a bulk write that failed for its own operations', () => {
    const duplicate = new MongoBulkWriteError({ message: 'E11000', code: 11000, writeErrors: [] }, bulkResult());
    expect(holdCauseOf(duplicate)).toBeUndefined();
  });

  it.each([
    [401, 'LLM refuses our credentials (401)'],
    [403, 'LLM denies access (403)'],
    [404, 'LLM model or endpoint not found (404)'],
  ])('holds LLM status %i as a configuration error', (status, cause) => {
    expect(classifyFailure(apiError(status))).toBe('misconfigured');
    expect(holdCauseOf(apiError(status))).toBe(cause);
  });

  it('leaves ordinary failures to the broker: transient (429, 5xx, timeouts, bad output) or permanent (400, 422)', () => {
    for (const status of [429, 500, 503, 408]) expect(classifyFailure(apiError(status))).toBe('transient');
    expect(classifyFailure(toLlmCallError(new APIConnectionTimeoutError()))).toBe('transient');
    expect(classifyFailure(new UnusableLlmOutputError('not JSON'))).toBe('transient');
    expect(classifyFailure(new JobBusyError('r1'))).toBe('transient');
    for (const status of [400, 422]) expect(classifyFailure(apiError(status))).toBe('permanent');
    expect(holdCauseOf(apiError(400))).toBeUndefined();
  });
});
