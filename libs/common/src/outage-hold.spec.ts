import { holdThroughOutage } from './outage-hold';

const transient = (error: unknown) => (error as Error).message === 'unreachable';

describe('holdThroughOutage', () => {
  it('retries transient failures until the work succeeds', async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await holdThroughOutage(
      async () => {
        if (++calls < 3) throw new Error('unreachable');
        return 'written';
      },
      {
        isTransient: transient,
        maxHoldMs: 60_000,
        signal: new AbortController().signal,
        onRetry: (_, n) => retries.push(n),
      },
    );
    expect(result).toBe('written');
    expect(retries).toEqual([1, 2]);
  });

  it('throws other errors at once', async () => {
    let calls = 0;
    const work = async () => {
      calls++;
      throw new Error('bad data');
    };
    await expect(
      holdThroughOutage(work, { isTransient: transient, maxHoldMs: 60_000, signal: new AbortController().signal }),
    ).rejects.toThrow('bad data');
    expect(calls).toBe(1);
  });

  it('gives up after maxHoldMs', async () => {
    let clock = 0;
    const work = async () => {
      clock += 1000;
      throw new Error('unreachable');
    };
    await expect(
      holdThroughOutage(work, {
        isTransient: transient,
        maxHoldMs: 2500,
        signal: new AbortController().signal,
        now: () => clock,
      }),
    ).rejects.toThrow('unreachable');
  });

  it('counts the hold from `since`, the arrival of the oldest delivery, not from its first try', async () => {
    let clock = 10_000;
    let tries = 0;
    const work = async () => {
      tries++;
      clock += 1000;
      throw new Error('unreachable');
    };
    const options = {
      isTransient: transient,
      maxHoldMs: 2500,
      signal: new AbortController().signal,
      now: () => clock,
      since: 8_000,
    };
    await expect(holdThroughOutage(work, options)).rejects.toThrow('unreachable');
    expect(tries).toBe(1); // 3 s since the oldest arrival by the end of the first try: no more holding
  });

  it('does not wait out the backoff when the signal is already aborted as the wait begins', async () => {
    const controller = new AbortController();
    const held = holdThroughOutage(async () => Promise.reject(new Error('unreachable')), {
      isTransient: transient,
      maxHoldMs: 60_000,
      signal: controller.signal,
      onRetry: () => controller.abort(),
    });
    // Settled before any timer could fire: the 100 ms backoff was never waited for.
    const beforeAnyTimer = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 0));
    await expect(Promise.race([held, beforeAnyTimer])).rejects.toThrow('unreachable');
  });

  it('stops waiting when aborted during the backoff', async () => {
    const controller = new AbortController();
    const held = holdThroughOutage(async () => Promise.reject(new Error('unreachable')), {
      isTransient: transient,
      maxHoldMs: 60_000,
      signal: controller.signal,
      onRetry: () => setImmediate(() => controller.abort()),
    });
    const backoff = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 100));
    await expect(Promise.race([held, backoff])).rejects.toThrow('unreachable');
  });
});
