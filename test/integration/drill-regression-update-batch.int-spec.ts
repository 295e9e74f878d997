import { serviceUrls, uniqueName } from '@app/testing';
import { Collection, MongoClient } from 'mongodb';
import { BulkWriteBatcher } from '../../libs/mongo/src/bulk-write.batcher';

const BATCH = 200;

/**
 * FerretDB keeps a backend connection per single-document update statement until the whole
 * command ends, and takes another one for each write. One group-committed batch of more updates
 * than its pool holds (50 by default, 100 in scripts/services) would take every connection and wait
 * for one more forever: the store wedges, the report workers stop (docs/drills.md). A batch larger
 * than the pool must apply, and the store must still answer.
 */
describe('a group-committed batch of updates larger than FerretDB’s connection pool', () => {
  jest.setTimeout(60_000);
  const database = uniqueName('drill_update_batch');
  let client: MongoClient;
  let jobs: Collection<{ _id: string; status: string }>;

  beforeAll(async () => {
    // A socket timeout, so a wedged store fails this spec instead of hanging it.
    client = await new MongoClient(serviceUrls.mongodb, { socketTimeoutMS: 20_000, retryWrites: false }).connect();
    jobs = client.db(database).collection('jobs');
    await jobs.insertMany(Array.from({ length: BATCH + 1 }, (_, i) => ({ _id: `job-${i}`, status: 'processing' })));
  });

  afterAll(async () => {
    await client
      ?.db(database)
      .dropDatabase()
      .catch(() => undefined);
    await client?.close();
  });

  it(`applies ${BATCH} updates to existing documents sent as one command, and the store keeps answering`, async () => {
    const batcher = new BulkWriteBatcher(jobs, BATCH);
    const first = batcher.write(complete('job-0')); // goes out alone; the rest queue into one batch
    const outcomes = await Promise.all([
      first,
      ...Array.from({ length: BATCH }, (_, i) => batcher.write(complete(`job-${i + 1}`))),
    ]);

    expect(outcomes.every((outcome) => outcome.errorCode === undefined)).toBe(true);
    expect(await jobs.countDocuments({ status: 'completed' })).toBe(BATCH + 1);
    expect(await jobs.findOne({ _id: 'job-7' })).toEqual({ _id: 'job-7', status: 'completed' });
  });

  /**
   * FerretDB reports its upserts numbered 0, 1, 2… instead of by statement: read by position, a
   * claim that matched an existing job (a redelivery) would be told it created one, use a fresh
   * report_id and store a second report.
   */
  it('tells each caller of a mixed batch of upserts whether its own write inserted', async () => {
    const batcher = new BulkWriteBatcher(jobs);
    const first = batcher.write(claim('job-1')); // goes out alone; the rest queue into one batch
    const ids = ['job-2', `${database}-new-1`, 'job-3', `${database}-new-2`];
    const outcomes = await Promise.all([first, ...ids.map((id) => batcher.write(claim(id)))]);
    expect(outcomes.map((outcome) => outcome.upserted)).toEqual([false, false, true, false, true]);
  });
});

function claim(id: string) {
  return { updateOne: { filter: { _id: id }, update: { $set: { claimed: true } }, upsert: true } };
}

function complete(id: string) {
  return { updateOne: { filter: { _id: id }, update: { $set: { status: 'completed' } } } };
}
