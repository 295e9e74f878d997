import { serviceUrls, uniqueName } from '@app/testing';
import { ConfigModule } from '@nestjs/config';
import { getConnectionToken } from '@nestjs/mongoose';
import { Test, TestingModule } from '@nestjs/testing';
import type { CommandStartedEvent } from 'mongodb';
import { Connection } from 'mongoose';
import { BulkWriteBatcher } from '../../libs/mongo/src/bulk-write.batcher';
import { MongoConnectionModule } from '../../libs/mongo/src/mongo-connection.module';
import { ReportJobsRepository } from '../../libs/mongo/src/report-jobs.repository';
import { ReportStorageModule } from '../../libs/mongo/src/report-storage.module';
import { ReportProtectionModule } from '../../apps/report-worker/src/protection/report-protection.module';

const WRITE_COMMANDS = ['insert', 'update', 'delete'];

/**
 * Every write of the app's connection asks for a majority, journaled acknowledgement, the
 * group-committed ones as well as the single ones, and the store accepts it: the writes apply, and
 * a duplicate key still fails only the write that hit it.
 */
describe('mongo write concern', () => {
  jest.setTimeout(30_000);
  const uri = new URL(serviceUrls.mongodb);
  uri.pathname = `/${uniqueName('mongo_write_concern')}`;
  const writes: Array<{ command: string; writeConcern: unknown }> = [];
  let moduleRef: TestingModule;
  let connection: Connection;

  beforeAll(async () => {
    const settings = {
      MONGODB_URI: uri.toString(),
      MONGODB_SOCKET_TIMEOUT_MS: 20_000,
      MONGODB_MAX_POOL_SIZE: 4,
      REPORT_ENCRYPTION_KEYS: process.env.REPORT_ENCRYPTION_KEYS,
      REPORT_CONTENT_HMAC_KEY: process.env.REPORT_CONTENT_HMAC_KEY,
      REPORT_RETENTION_DAYS: 30,
    };
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, skipProcessEnv: true, load: [() => settings] }),
        ReportProtectionModule,
        MongoConnectionModule.forRoot({ monitorCommands: true }),
        ReportStorageModule,
      ],
    }).compile();
    connection = moduleRef.get<Connection>(getConnectionToken());
    connection.getClient().on('commandStarted', (event: CommandStartedEvent) => {
      if (WRITE_COMMANDS.includes(event.commandName))
        writes.push({ command: event.commandName, writeConcern: event.command.writeConcern });
    });
  });

  afterAll(async () => {
    await connection?.dropDatabase().catch(() => undefined);
    await moduleRef?.close();
  });

  it('group-commits with w: majority, j: true, and a duplicate key fails only its own write', async () => {
    const batcher = new BulkWriteBatcher(
      connection.getClient().db(connection.name).collection<{ _id: string }>('probes'),
    );
    await batcher.write({ insertOne: { document: { _id: 'taken' } } });
    const outcomes = await Promise.all([
      batcher.write({ insertOne: { document: { _id: 'a' } } }),
      batcher.write({ insertOne: { document: { _id: 'taken' } } }),
      batcher.write({ insertOne: { document: { _id: 'b' } } }),
      batcher.write({ updateOne: { filter: { _id: 'c' }, update: { $set: { seen: true } }, upsert: true } }),
    ]);
    expect(outcomes).toEqual([
      { upserted: false, errorCode: undefined },
      { upserted: false, errorCode: 11000 },
      { upserted: false, errorCode: undefined },
      { upserted: true, errorCode: undefined },
    ]);
    expect(writes.map((write) => write.command)).toEqual(['insert', 'insert', 'update']);
    expect(writes.map((write) => write.writeConcern)).toEqual(
      writes.map(() => ({ w: 'majority', j: true, wtimeout: 10_000 })),
    );
  });

  it('sends w: majority, j: true with the repositories’ single writes as well', async () => {
    const jobs = moduleRef.get(ReportJobsRepository);
    writes.length = 0;
    const job = { request_id: 'job-1', user_id: 'user-1', content_hash: 'hash-1', report_id: 'report-1' };
    expect(await jobs.claim(job, 'owner-1', 60_000, false)).toBe('created');
    await jobs.fail('job-1', 'gave up');
    expect(await jobs.findByRequestId('job-1')).toMatchObject({ status: 'failed', error_message: 'gave up' });
    expect(await jobs.deleteByReportId('report-1')).toBe(1);
    expect(writes.map((write) => write.command)).toEqual(['update', 'update', 'delete']);
    expect(writes.map((write) => write.writeConcern)).toEqual(
      writes.map(() => ({ w: 'majority', j: true, wtimeout: 10_000 })),
    );
  });
});
