import { getMaxListeners } from 'node:events';
import { sharedAbortController } from './shared-abort-controller';

describe('sharedAbortController', () => {
  it('lets any number of waiters listen to its signal without a leak warning', () => {
    expect(getMaxListeners(new AbortController().signal)).toBe(10);
    expect(getMaxListeners(sharedAbortController().signal)).toBe(Infinity);
  });

  it('wakes every waiter once when aborted', () => {
    const controller = sharedAbortController();
    const waiters = Array.from({ length: 300 }, () => jest.fn());
    for (const waiter of waiters) controller.signal.addEventListener('abort', waiter, { once: true });
    controller.abort();
    controller.abort();
    for (const waiter of waiters) expect(waiter).toHaveBeenCalledTimes(1);
  });
});
