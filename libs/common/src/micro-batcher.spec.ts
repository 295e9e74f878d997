import { MicroBatcher } from './micro-batcher';

function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('MicroBatcher', () => {
  it('flushes items added in the same turn as one batch', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, string>(
      async (items) => {
        batches.push(items);
        return items.map((item) => `ok ${item}`);
      },
      { maxBatchSize: 10, maxConcurrency: 1 },
    );

    const results = await Promise.all([1, 2, 3].map((item) => batcher.add(item)));
    expect(results).toEqual(['ok 1', 'ok 2', 'ok 3']);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('collects items while a flush runs and writes them together afterwards, capped at maxBatchSize', async () => {
    const gate = deferred();
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate.promise;
        return items;
      },
      { maxBatchSize: 3, maxConcurrency: 1 },
    );

    const first = batcher.add(0);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [1, 2, 3, 4, 5].map((item) => batcher.add(item));
    expect(batcher.size).toBe(6);
    gate.release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[0], [1, 2, 3], [4, 5]]);
  });

  it('rejects every item of a failed batch and keeps going', async () => {
    let calls = 0;
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        if (++calls === 1) throw new Error('boom');
        return items;
      },
      { maxBatchSize: 10, maxConcurrency: 1 },
    );

    await expect(Promise.all([batcher.add(1), batcher.add(2)])).rejects.toThrow('boom');
    await expect(batcher.add(3)).resolves.toBe(3);
  });

  it('resolves idle() once everything is written', async () => {
    const batcher = new MicroBatcher<number, number>(async (items) => items, { maxBatchSize: 2, maxConcurrency: 2 });
    await batcher.idle();
    const all = Promise.all([1, 2, 3, 4, 5].map((item) => batcher.add(item)));
    await batcher.idle();
    expect(batcher.size).toBe(0);
    await expect(all).resolves.toEqual([1, 2, 3, 4, 5]);
  });
});
