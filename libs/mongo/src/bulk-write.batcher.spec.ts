import { BSON, Collection, Document, MongoBulkWriteError, MongoClient, MongoNetworkError } from 'mongodb';
import { appliedOrThrow, BulkOperationError, BulkWriteBatcher } from './bulk-write.batcher';

/** What the fake server needs of one of the driver's command operations (internal, untyped). */
interface DriverOperation {
  buildCommand(connection: undefined, session: undefined): Document;
  handleOk(reply: unknown): unknown;
}
// The driver's internals the round trip goes through; not part of its typed API.
const execution: {
  executeOperation(client: MongoClient, operation: DriverOperation): Promise<unknown>;
} = require('mongodb/lib/operations/execute_operation');
const { throwIfWriteConcernError } = require('mongodb/lib/write_concern');
const { MongoDBResponse } = require('mongodb/lib/cmap/wire_protocol/responses');

interface ServerBehaviour {
  /** Number upserts 0, 1, 2… instead of by statement, as FerretDB does. */
  numberUpsertsInOrder?: boolean;
  /** Commands ('insert', 'update') whose statements apply but whose write concern times out. */
  writeConcernFailsOn?: string[];
  /**
   * Hand the reply on without the server layer's check for a write-concern error, so that the bulk
   * write's own merge and final check (BulkOperationBase.handleWriteError) report it instead.
   */
  skipWriteConcernCheck?: boolean;
  /** The connection fails instead of answering. */
  networkError?: boolean;
}

/**
 * A server for the real driver that keeps no data: a statement on an `_id` starting with "new"
 * upserts, one starting with "dup" fails with 11000 (duplicate key), any other matches. The driver
 * itself splits the bulk write into commands, merges the replies and builds its MongoBulkWriteError
 * (lib/bulk/common.js), so the batcher sees what it would see from a real server. Only the round
 * trip is replaced: the reply goes through the same check the driver's server layer applies to
 * every reply (lib/sdam/server.js: throwIfWriteConcernError), then back to the operation.
 */
function fakeServer(behaviour: ServerBehaviour = {}) {
  const commands: Document[] = [];
  const client = new MongoClient('mongodb://fake-server.invalid'); // never connects
  // The only part of a connected topology a bulk write reads: the server's limits (none here).
  Object.assign(client, { topology: { lastHello: () => ({}), s: { options: {} } } });
  jest.spyOn(execution, 'executeOperation').mockImplementation(async (_client, operation) => {
    const command = operation.buildCommand(undefined, undefined);
    commands.push(command);
    if (behaviour.networkError) throw new MongoNetworkError('connection reset');
    const reply = new MongoDBResponse(BSON.serialize(answer(command, behaviour)));
    if (!behaviour.skipWriteConcernCheck) throwIfWriteConcernError(reply);
    return operation.handleOk(reply);
  });
  return { collection: client.db('test').collection<{ _id: string }>('jobs'), commands };
}

/** The server's reply to one `insert` or `update` command. */
function answer(command: Document, { numberUpsertsInOrder, writeConcernFailsOn = [] }: ServerBehaviour): Document {
  const name = command.update ? 'update' : 'insert';
  const ids: string[] =
    name === 'update'
      ? command.updates.map((statement: Document) => statement.q._id ?? '')
      : command.documents.map((doc: Document) => doc._id);
  const writeErrors = ids.flatMap((id, index) =>
    id.startsWith('dup') ? [{ index, code: 11000, errmsg: `E11000 duplicate key: ${id}` }] : [],
  );
  const upserted =
    name === 'update' ? ids.flatMap((id, index) => (id.startsWith('new') ? [{ index, _id: id }] : [])) : [];
  const reply: Document = { ok: 1, n: ids.length - writeErrors.length };
  if (name === 'update') reply.nModified = reply.n - upserted.length;
  if (upserted.length > 0)
    reply.upserted = upserted.map((upsert, n) => ({ ...upsert, index: numberUpsertsInOrder ? n : upsert.index }));
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  if (writeConcernFailsOn.includes(name))
    reply.writeConcernError = { code: 64, codeName: 'WriteConcernFailed', errmsg: 'waiting for replication timed out' };
  return reply;
}

const op = (id: string) => ({ updateOne: { filter: { _id: id }, update: { $set: { a: 1 } }, upsert: true } });
const insert = (id: string) => ({ insertOne: { document: { _id: id } } });

describe('BulkWriteBatcher', () => {
  afterEach(() => jest.restoreAllMocks());

  it('sends writes issued together as one bulkWrite and gives each caller its own outcome', async () => {
    const { collection, commands } = fakeServer();
    const batcher = new BulkWriteBatcher(collection);
    const outcomes = await Promise.all(['new-1', 'old-1', 'dup-1', 'new-2'].map((id) => batcher.write(op(id))));
    expect(commands).toHaveLength(1);
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
    const { collection, commands } = fakeServer();
    const batcher = new BulkWriteBatcher(collection);
    const first = batcher.write(op('new-a'));
    await new Promise((resolve) => setImmediate(resolve)); // the first batch is now in flight
    await Promise.all([first, batcher.write(op('new-b')), batcher.write(op('new-c'))]);
    expect(commands.map((command) => command.updates.length)).toEqual([1, 2]);
  });

  it('rejects every caller of a batch whose command failed as a whole', async () => {
    const { collection } = fakeServer({ networkError: true });
    const batcher = new BulkWriteBatcher(collection);
    const results = await Promise.allSettled([batcher.write(op('new-1')), batcher.write(op('new-2'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(MongoBulkWriteError);
    expect((results[0] as PromiseRejectedResult).reason.message).toBe('connection reset');
  });

  it('rejects every caller of a batch whose command reports a write-concern error, the one that hit a duplicate key included', async () => {
    const { collection } = fakeServer({ writeConcernFailsOn: ['update'] });
    const batcher = new BulkWriteBatcher(collection);
    const results = await Promise.allSettled(['new-1', 'dup-1', 'old-1'].map((id) => batcher.write(op(id))));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ name: 'MongoBulkWriteError', code: 64 });
  });

  it('rejects every caller when one command of the batch hit a duplicate key and the next one a write-concern error', async () => {
    const { collection, commands } = fakeServer({ writeConcernFailsOn: ['update'] });
    const batcher = new BulkWriteBatcher(collection);
    const results = await Promise.allSettled([
      batcher.write(insert('dup-1')),
      batcher.write(insert('fresh-1')),
      batcher.write(op('new-1')),
    ]);
    expect(commands.map((command) => Object.keys(command)[0])).toEqual(['insert', 'update']);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });

  /**
   * The driver's server layer raises a reply's write-concern error before the bulk write merges the
   * reply (the two cases above). A write-concern error that reaches the merge instead is reported by
   * the bulk write's final check after the write errors: in `writeErrors` the duplicate key, and the
   * write-concern error only in the result. Not a partial success either.
   */
  it('rejects every caller of a bulk write whose error lists write errors and whose result holds a write-concern error', async () => {
    const { collection } = fakeServer({ writeConcernFailsOn: ['update'], skipWriteConcernCheck: true });
    const batcher = new BulkWriteBatcher(collection);
    const results = await Promise.allSettled(['new-1', 'dup-1', 'old-1'].map((id) => batcher.write(op(id))));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    const error = (results[1] as PromiseRejectedResult).reason;
    expect(error).toMatchObject({ name: 'MongoBulkWriteError', code: 11000, writeErrors: [{ index: 1, code: 11000 }] });
    expect(error.result.getWriteConcernError()).toMatchObject({ code: 64 });
  });

  it('sends a single-document update on a key as updateMany on that key (FerretDB releases its connection then)', async () => {
    const { collection, commands } = fakeServer();
    const batcher = new BulkWriteBatcher(collection);
    const byQuery = { updateOne: { filter: { status: 'open' }, update: { $set: { a: 1 } } } };
    await Promise.all([batcher.write(op('old-1')), batcher.write(byQuery as never)]);
    expect(commands[0].updates.map((statement: Document) => [statement.q, statement.multi === true])).toEqual([
      [{ _id: 'old-1' }, true],
      [{ status: 'open' }, false],
    ]);
  });

  it('tells the callers that inserted by their key, not by the position the server reports (FerretDB numbers upserts in order)', async () => {
    const { collection } = fakeServer({ numberUpsertsInOrder: true });
    const batcher = new BulkWriteBatcher(collection);
    const outcomes = await Promise.all(['old-1', 'new-1', 'old-2', 'new-2'].map((id) => batcher.write(op(id))));
    expect(outcomes.map((outcome) => outcome.upserted)).toEqual([false, true, false, true]);
  });

  it('tells neither of two writes to one key in a batch that it inserted (the callers read the document)', async () => {
    const { collection } = fakeServer();
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
