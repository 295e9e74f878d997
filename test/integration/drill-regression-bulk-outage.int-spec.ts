import { serviceUrls, TcpOutageProxy, uniqueName } from '@app/testing';
import { Collection, MongoClient } from 'mongodb';
import { BulkWriteBatcher } from '../../libs/mongo/src/bulk-write.batcher';

/**
 * With FerretDB stopped, the driver wraps a network error in MongoBulkWriteError with no
 * writeErrors; read as "every operation applied", it would have the worker answer `success` for
 * reports it never stored (docs/drills.md). A write must reject while the store is unreachable and
 * land once it is back.
 */
describe('batched writes while the MongoDB-wire server is unreachable', () => {
  jest.setTimeout(60_000);
  const mongo = new URL(serviceUrls.mongodb);
  const proxy = new TcpOutageProxy(mongo.hostname, Number(mongo.port || 27017));
  const database = uniqueName('drill_bulk_outage');
  let client: MongoClient;
  let direct: MongoClient;
  let batcher: BulkWriteBatcher<{ _id: string }>;
  let through: Collection<{ _id: string }>;

  beforeAll(async () => {
    await proxy.start();
    const url = new URL(proxy.url(serviceUrls.mongodb));
    url.pathname = `/${database}`;
    client = await new MongoClient(url.toString(), { serverSelectionTimeoutMS: 1000, retryWrites: false }).connect();
    direct = await new MongoClient(serviceUrls.mongodb).connect();
    through = client.db(database).collection('reports');
    await through.insertOne({ _id: 'warm-up' });
    batcher = new BulkWriteBatcher(through);
  });

  afterAll(async () => {
    await direct
      ?.db(database)
      .dropDatabase()
      .catch(() => undefined);
    await client?.close().catch(() => undefined);
    await direct?.close();
    await proxy.stop();
  });

  it('rejects every write of a batch the server never applied, then writes once it is back', async () => {
    proxy.cut();
    const writes = ['a', 'b', 'c'].map((id) => batcher.write({ insertOne: { document: { _id: id } } }));
    for (const write of writes) await expect(write).rejects.toThrow();
    expect(
      await direct
        .db(database)
        .collection<{ _id: string }>('reports')
        .countDocuments({ _id: { $in: ['a', 'b', 'c'] } }),
    ).toBe(0);

    proxy.restore();
    await expect(batcher.write({ insertOne: { document: { _id: 'a' } } })).resolves.toMatchObject({
      errorCode: undefined,
    });
    expect(await direct.db(database).collection<{ _id: string }>('reports').countDocuments({ _id: 'a' })).toBe(1);
  });
});
