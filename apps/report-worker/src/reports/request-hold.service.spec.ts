import { Logger } from '@nestjs/common';
import { HoldEndedError, RequestHoldService } from './request-hold.service';
import { LlmCallError } from './writers/llm-call.error';

const unreachable = () => Object.assign(new Error('connection refused'), { name: 'MongoServerSelectionError' });
const unauthorized = () => new LlmCallError(401, 'invalid api key');

function holdService(limitMs = 60_000): RequestHoldService {
  return new RequestHoldService({ get: () => limitMs } as never);
}

/** Work that fails with the given errors, one per call, then succeeds. */
function failing(...errors: Array<() => Error>) {
  let calls = 0;
  const work = jest.fn(async () => {
    const next = errors[calls++];
    if (next) throw next();
    return 'report';
  });
  return work;
}

describe('RequestHoldService', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation();
    jest.spyOn(Logger.prototype, 'log').mockImplementation();
  });
  afterEach(() => jest.restoreAllMocks());

  it('tries the same request again through an outage and a configuration error, then answers', async () => {
    const hold = holdService();
    const work = failing(unreachable, unauthorized);
    expect(await hold.run(work, { requestId: 'r1', receivedAt: Date.now() })).toBe('report');
    expect(work).toHaveBeenCalledTimes(3);
    expect(hold.status).toEqual({ held: 0, causes: [] });
  });

  it('names what the held requests wait for while they wait', async () => {
    const hold = holdService();
    let release!: () => void;
    const recovered = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const held = hold.run(
      async () => {
        if (calls++ === 0) throw unauthorized();
        await recovered;
        return 'report';
      },
      { requestId: 'r1', receivedAt: Date.now() },
    );
    const other = hold.run(failing(unreachable), { requestId: 'r2', receivedAt: Date.now() });
    await new Promise((resolve) => setImmediate(resolve));
    expect(hold.status).toEqual({ held: 2, causes: ['LLM refuses our credentials (401)', 'MongoDB unreachable'] });
    await other;
    release();
    await held;
    expect(hold.status).toEqual({ held: 0, causes: [] });
  });

  it('throws other failures at once, for the broker retries or the DLQ', async () => {
    const work = failing(() => new LlmCallError(503, 'busy'));
    await expect(holdService().run(work, { requestId: 'r1', receivedAt: Date.now() })).rejects.toMatchObject({
      status: 503,
    });
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('ends the hold at the limit, counted from the delivery, with the cause still there', async () => {
    const work = jest.fn(async () => Promise.reject(unreachable()));
    const ended = holdService(1000).run(work, { requestId: 'r1', receivedAt: Date.now() - 1000 });
    await expect(ended).rejects.toBeInstanceOf(HoldEndedError);
    await expect(ended).rejects.toMatchObject({ end: 'hold limit reached', holdCause: 'MongoDB unreachable' });
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('ends every hold at once on shutdown, and holds nothing afterwards', async () => {
    const hold = holdService();
    const work = jest.fn(async () => Promise.reject(unreachable()));
    const held = hold.run(work, { requestId: 'r1', receivedAt: Date.now() });
    await new Promise((resolve) => setImmediate(resolve));
    const started = Date.now();
    hold.onModuleDestroy();
    await expect(held).rejects.toMatchObject({ end: 'shutting down' });
    expect(Date.now() - started).toBeLessThan(100);
    await expect(hold.run(failing(unauthorized), { requestId: 'r2', receivedAt: Date.now() })).rejects.toMatchObject({
      end: 'shutting down',
    });
    expect(hold.status.held).toBe(0);
  });
});
