import { Collection, MongoBulkWriteError } from 'mongodb';
import { appliedOrThrow, BulkOperationError, BulkWriteBatcher } from './bulk-write.batcher';

type Update = { filter: { _id: string } };
type Op = { updateOne: Update } | { updateMany: Update };
const idOf = (op: Op) => ('updateOne' in op ? op.updateOne : op.updateMany).filter._id ?? '';

/** A collection whose bulkWrite upserts ids starting with "new", rejects ids starting with "dup" (11000). */
function fakeCollection(failWhole = false, numberUpsertsInOrder = false) {
  const calls: Op[][] = [];
  const collection = {
    async bulkWrite(ops: Op[]) {
      calls.push(ops);
      if (failWhole) throw Object.assign(new Error('connection reset'), { name: 'MongoNetworkError' });
      const upserts = ops.flatMap((op, i) => (idOf(op).startsWith('new') ? [[i, idOf(op)] as const] : []));
      // FerretDB numbers its upserts 0, 1, 2… instead of by statement.
      const upsertedIds = Object.fromEntries(upserts.map(([i, id], n) => [numberUpsertsInOrder ? n : i, id]));
      const writeErrors = ops.flatMap((op, index) => (idOf(op).startsWith('dup') ? [{ index, code: 11000 }] : []));
      if (writeErrors.length === 0) return { upsertedIds };
      throw Object.assign(Object.create(MongoBulkWriteError.prototype), { writeErrors, result: { upsertedIds } });
    },
  };
  return { collection: collection as unknown as Collection<{ _id: string }>, calls };
}

const op = (id: string) => ({ updateOne: { filter: { _id: id }, update: { $set: { a: 1 } }, upsert: true } });

describe('BulkWriteBatcher', () => {
  it('sends writes issued together as one bulkWrite and gives each caller its own outcome', async () => {
    const { collection, calls } = fakeCollection();
    const batcher = new BulkWriteBatcher(collection);
    const outcomes = await Promise.all(['new-1', 'old-1', 'dup-1', 'new-2'].map((id) => batcher.write(op(id))));
    expect(calls).toHaveLength(1);
    expect(outcomes).toEqual([
      { upserted: true, errorCode: undefined },
      { upserted: false, errorCode: undefined },
      { upserted: false, errorCode: 11000 },
      { upserted: true, errorCode: undefined },
    ]);
    expect(() => appliedOrThrow(outcomes[2])).toThrow(BulkOperationError);
    expect(appliedOrThrow(outcomes[2], 11000).errorCode).toBe(11000);
  });

  it('queues writes issued while a batch is in flight into the next batch', async () => {
    const { collection, calls } = fakeCollection();
    const batcher = new BulkWriteBatcher(collection);
    const first = batcher.write(op('new-a'));
    await new Promise((resolve) => setImmediate(resolve)); // the first batch is now in flight
    await Promise.all([first, batcher.write(op('new-b')), batcher.write(op('new-c'))]);
    expect(calls.map((batch) => batch.length)).toEqual([1, 2]);
  });

  it('rejects every caller of a batch whose command failed as a whole', async () => {
    const { collection } = fakeCollection(true);
    const batcher = new BulkWriteBatcher(collection);
    const results = await Promise.allSettled([batcher.write(op('new-1')), batcher.write(op('new-2'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.name).toBe('MongoNetworkError');
  });

  it('sends a single-document update on a key as updateMany on that key (FerretDB releases its connection then)', async () => {
    const { collection, calls } = fakeCollection();
    const batcher = new BulkWriteBatcher(collection);
    const byQuery = { updateOne: { filter: { status: 'open' }, update: { $set: { a: 1 } } } };
    await Promise.all([batcher.write(op('old-1')), batcher.write(byQuery as never)]);
    expect(calls.flat()).toEqual([{ updateMany: op('old-1').updateOne }, byQuery]);
  });

  it('tells the callers that inserted by their key, not by the position the server reports (FerretDB numbers upserts in order)', async () => {
    const { collection } = fakeCollection(false, true);
    const batcher = new BulkWriteBatcher(collection);
    const outcomes = await Promise.all(['old-1', 'new-1', 'old-2', 'new-2'].map((id) => batcher.write(op(id))));
    expect(outcomes.map((outcome) => outcome.upserted)).toEqual([false, true, false, true]);
  });

  it('tells neither of two writes to one key in a batch that it inserted (the callers read the document)', async () => {
    const { collection } = fakeCollection();
    const batcher = new BulkWriteBatcher(collection);
    const first = batcher.write(op('old-0'));
    const outcomes = await Promise.all([first, batcher.write(op('new-1')), batcher.write(op('new-1'))]);
    expect(outcomes.map((outcome) => outcome.upserted)).toEqual([false, false, false]);
  });

  it('fails the callers of a command that never settles, and the next batch still goes out', async () => {
    let calls = 0;
    const collection = {
      collectionName: 'jobs',
      bulkWrite: () => (++calls === 1 ? new Promise(() => undefined) : Promise.resolve({ upsertedIds: {} })),
    } as unknown as Collection<{ _id: string }>;
    const batcher = new BulkWriteBatcher(collection, 128, 20);
    await expect(batcher.write(op('old-1'))).rejects.toThrow('bulkWrite of 1 to jobs: no answer within 20 ms');
    await expect(batcher.write(op('old-2'))).resolves.toEqual({ upserted: false, errorCode: undefined });
  });
});
