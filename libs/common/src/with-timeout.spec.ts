import { TimeoutError, withTimeout } from './with-timeout';

describe('withTimeout', () => {
  it('resolves with the work when it settles in time', async () => {
    await expect(withTimeout(Promise.resolve(42), 50)).resolves.toBe(42);
  });

  it('passes the work’s own rejection on', async () => {
    await expect(withTimeout(Promise.reject(new Error('refused')), 50)).rejects.toThrow('refused');
  });

  it('rejects with a TimeoutError naming the work when it hangs', async () => {
    const hanging = new Promise<never>(() => undefined);
    await expect(withTimeout(hanging, 10, 'neo4j ping')).rejects.toEqual(new TimeoutError('neo4j ping', 10));
  });
});
