import { MicroBatcher, withTimeout } from '@app/common';
import type { AnyBulkWriteOperation, BulkWriteResult, Collection, Document } from 'mongodb';
import { MongoBulkWriteError } from 'mongodb';

/** What happened to one operation of a batch. */
export interface BulkOutcome {
  /** The operation inserted a document (an upsert that found nothing). */
  upserted: boolean;
  /** Set when this operation alone failed (e.g. 11000, duplicate key); the others still applied. */
  errorCode?: number;
}

const DEFAULT_MAX_BATCH = 128;

/**
 * Batches in flight per collection. FerretDB runs the operations of one command one after the
 * other (an update ~3 ms alone, ~10 ms under load), so with a single batch in flight a collection
 * takes at most ~100-300 updates/s whatever the prefetch, and every write waits for the batch
 * before it. Two let the server work on two commands at once; the pool (MONGODB_MAX_POOL_SIZE)
 * still bounds what one process asks of it.
 */
const DEFAULT_CONCURRENCY = 2;

/**
 * Longest a batch's command may take before its callers are failed (and retried through the
 * broker). Above the socket timeout (30 s by default), so it fires only when the driver itself
 * never settles an operation: a `bulkWrite` whose connection is checked out as the pool is cleared
 * can neither finish nor fail, and with one batch in flight per collection every later write of the
 * process would queue behind it for good.
 */
const BATCH_TIMEOUT_MS = 45_000;

/**
 * Group commit for single-document writes to one collection. Writes issued while a batch is in
 * flight are sent together as one unordered `bulkWrite` (one `insert` / one `update` command), so
 * under load a report costs a fraction of a round trip per write; alone, a write goes out at once.
 * Why: FerretDB spends most of a small write on per-command overhead (64 reports inserted one by
 * one: ~300 ms; as one insert: ~30 ms). Each caller still learns its own outcome, and its promise
 * resolves only once the server has applied its write and confirmed it as the connection's write
 * concern asks (majority, journaled: MongoConnectionModule).
 */
export class BulkWriteBatcher<T extends Document> {
  private readonly batcher: MicroBatcher<AnyBulkWriteOperation<T>, BulkOutcome>;

  constructor(
    private readonly collection: Collection<T>,
    maxBatchSize = DEFAULT_MAX_BATCH,
    private readonly timeoutMs = BATCH_TIMEOUT_MS,
    maxConcurrency = DEFAULT_CONCURRENCY,
  ) {
    this.batcher = new MicroBatcher((operations) => this.flush(operations), { maxBatchSize, maxConcurrency });
  }

  write(operation: AnyBulkWriteOperation<T>): Promise<BulkOutcome> {
    return this.batcher.add(operation);
  }

  /** Resolves once every write handed in so far has been applied (or failed). */
  idle(): Promise<void> {
    return this.batcher.idle();
  }

  /** A failure of the whole command (network, server selection, write concern) rejects every caller of the batch. */
  private async flush(operations: Array<AnyBulkWriteOperation<T>>): Promise<BulkOutcome[]> {
    let result: BulkWriteResult;
    const errors = new Map<number, number>();
    try {
      const command = this.collection.bulkWrite(operations.map(asKeyedUpdateMany), { ordered: false });
      result = await withTimeout(
        command,
        this.timeoutMs,
        `bulkWrite of ${operations.length} to ${this.collection.collectionName}`,
      );
    } catch (error) {
      const partial = partialFailure(error);
      result = partial.result;
      for (const writeError of [partial.writeErrors].flat()) errors.set(writeError.index, writeError.code);
    }
    const upserted = upsertedOperations(operations, result.upsertedIds ?? {});
    return operations.map((_, index) => ({ upserted: upserted.has(index), errorCode: errors.get(index) }));
  }
}

/**
 * The error of a bulk write whose operations all ran and only some failed (each failed one is in
 * `writeErrors`, the others applied and are durable); anything else is rethrown, to reject every
 * caller. The driver wraps *every* failure of a bulk write in MongoBulkWriteError. A network or
 * server-selection error leaves `writeErrors` empty, and the operations of the commands not yet sent
 * were never applied. A write-concern error is reported only through the result's
 * `getWriteConcernError()`, possibly next to per-operation errors: the operations applied but the
 * server could not confirm that they are durable (replicated to a majority, journaled), so none of
 * the batch may be answered as stored.
 */
function partialFailure(error: unknown): MongoBulkWriteError {
  if (!(error instanceof MongoBulkWriteError)) throw error;
  if (error.result.getWriteConcernError() !== undefined) throw error;
  if ([error.writeErrors].flat().length === 0) throw error;
  return error;
}

/**
 * Which operations inserted a document, told by the upserted `_id`s rather than by the positions
 * the server reports: FerretDB numbers its upserts 0, 1, 2… instead of by statement, so in a batch
 * where only some operations upserted, the positions would name the wrong callers (a redelivered
 * claim told "created" would use a new report_id and store a second report).
 * A key that appears twice in one batch is ambiguous, so neither is told it inserted (the callers
 * then read the document). Operations without a key filter fall back to the reported positions.
 */
function upsertedOperations<T extends Document>(
  operations: Array<AnyBulkWriteOperation<T>>,
  upsertedIds: Record<number, unknown>,
): Set<number> {
  const upsertedKeys = new Set(Object.values(upsertedIds).map(String));
  const keys = operations.map(keyOf);
  const occurrences = new Map<string, number>();
  for (const key of keys) if (key !== undefined) occurrences.set(key, (occurrences.get(key) ?? 0) + 1);
  const byPosition = new Set(Object.keys(upsertedIds).map(Number));
  return new Set(
    keys.flatMap((key, index) => {
      if (key === undefined) return byPosition.has(index) ? [index] : [];
      return upsertedKeys.has(key) && occurrences.get(key) === 1 ? [index] : [];
    }),
  );
}

/** The `_id` an update addresses, when its filter names one. */
function keyOf<T extends Document>(operation: AnyBulkWriteOperation<T>): string | undefined {
  const model =
    'updateOne' in operation ? operation.updateOne : 'updateMany' in operation ? operation.updateMany : undefined;
  const key = (model?.filter as { _id?: unknown } | undefined)?._id;
  return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}

/**
 * Sends `updateOne` on an `_id` filter as `updateMany` on the same filter: the same effect (a key
 * matches at most one document, an upsert inserts one), but FerretDB then reads each statement's
 * result to the end and gives its backend connection back at once. For a single-document update it
 * keeps the connection until the whole command ends while taking a second one for the write, so one
 * batch of 50+ updates to existing documents can hold all 50 PostgreSQL connections of FerretDB's
 * pool and wait for a 51st forever (docs/drills.md). The price on MongoDB: a
 * batch with a multi-update is not a retryable write, so a network error fails the batch and its
 * messages go through the broker's retry instead of the driver's.
 */
function asKeyedUpdateMany<T extends Document>(operation: AnyBulkWriteOperation<T>): AnyBulkWriteOperation<T> {
  if (!('updateOne' in operation) || keyOf(operation) === undefined) return operation;
  return { updateMany: operation.updateOne };
}

/** The error a caller sees when its own operation failed inside a batch (other than the codes it expects). */
export class BulkOperationError extends Error {
  constructor(readonly code: number) {
    super(`write failed with code ${code}`);
    this.name = 'BulkOperationError';
  }
}

/** Resolves when the operation applied; throws for its own failure unless the code is one the caller accepts. */
export function appliedOrThrow(outcome: BulkOutcome, ...accepted: number[]): BulkOutcome {
  if (outcome.errorCode !== undefined && !accepted.includes(outcome.errorCode))
    throw new BulkOperationError(outcome.errorCode);
  return outcome;
}
