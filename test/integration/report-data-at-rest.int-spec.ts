import { REPORT_PATTERNS } from '@app/contracts';
import {
  asReader,
  jsonOf,
  specBrokerUser,
  ReportAmqpClient,
  reportRequest,
  reportTestEnv,
  reportTestQueues,
  serviceUrls,
  TcpOutageProxy,
  testSecrets,
  waitFor,
} from '@app/testing';
import KeyvRedis from '@keyv/redis';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { getConnectionToken } from '@nestjs/mongoose';
import { ConsumeMessage } from 'amqplib';
import { Connection } from 'mongoose';
import { lastValueFrom } from 'rxjs';
import { KeyRotationModule } from '../../apps/report-worker/src/protection/key-rotation.module';
import { KeyRotationService } from '../../apps/report-worker/src/protection/key-rotation.service';
import { startReportWorker } from '../support/report-worker.app';

/** Values planted in every patient and lab field a request carries; none may be readable at rest. */
const MARK = `PLANTED${Date.now().toString(36)}`;
function plantedRequest(overrides: Record<string, unknown> = {}) {
  return reportRequest({
    patient: { age: 54, sex: 'female', conditions: [`${MARK}-condition`], medications: [`${MARK}-medication`] },
    labs: [
      { name: `${MARK}-lab`, value: 987.654, unit: 'mg/dL', reference_range: { high: 100 } },
      { name: 'HbA1c', value: 6.1, unit: '%', reference_range: { low: 4, high: 5.6 } },
    ],
    cvd_summary: { ten_year_risk_percent: 8.4, risk_category: `${MARK}-risk` },
    assessment: { summary: `${MARK}-assessment` },
    plan: [{ action: `${MARK}-plan` }],
    red_flags: [`${MARK}-red-flag`],
    ...overrides,
  });
}
const PLANTED = [MARK, '987.654'];

/**
 * Patient data at rest: after real traffic, the raw MongoDB documents, the raw Redis values and
 * the raw dead-lettered bodies hold none of the planted values, while every read path still
 * serves them; a deleted report is never served or reused, even when Redis was away for the
 * delete; a key rotation moves every report to the new key.
 */
describe('patient data at rest (real RabbitMQ, Redis, FerretDB)', () => {
  jest.setTimeout(60_000);
  const redisTarget = new URL(serviceUrls.redis);
  const redisProxy = new TcpOutageProxy(redisTarget.hostname, Number(redisTarget.port || 6379));
  // Straight to Redis, not through the proxy the worker uses: what Redis holds, whatever the worker sees.
  const store = new KeyvRedis(serviceUrls.redis);
  const redis = store.client as unknown as {
    get(key: string): Promise<string | null>;
    exists(key: string): Promise<number>;
  };
  let env: Record<string, string>;
  let app: INestApplication;
  let amqp: ReportAmqpClient;
  let client: ClientProxy;
  let responses: ConsumeMessage[];
  const db = () => app.get<Connection>(getConnectionToken()).db!;

  const responseFor = (requestId: string) =>
    waitFor(() => responses.map((m) => jsonOf(m)).find((r) => r.request_id === requestId), {
      description: `response to ${requestId}`,
    });
  // Every call names the spec's broker user, a reader here (REPORT_READERS).
  const send = <T = any>(pattern: string, data: unknown) => lastValueFrom(client.send<T>(pattern, asReader(data)));

  /** Every document of the worker's database and every Redis value of the worker's keys, raw. */
  async function everythingStored(reportIds: string[], userIds: string[]): Promise<string> {
    const collections = await db().listCollections().toArray();
    const documents = await Promise.all(collections.map(({ name }) => db().collection(name).find().toArray()));
    const keys = [...reportIds.map((id) => `report:${id}`), ...userIds.map((id) => `input:${id}`)];
    const values = await Promise.all(keys.map((key) => redis.get(key)));
    expect(values.filter(Boolean).length).toBeGreaterThan(0);
    return JSON.stringify({ documents, values });
  }

  beforeAll(async () => {
    await redisProxy.start();
    await store.getClient();
    env = reportTestEnv('report_at_rest', {
      REDIS_URL: redisProxy.url(serviceUrls.redis),
      REPORT_READERS: `${specBrokerUser}:*`,
    });
    Object.assign(process.env, env);
    app = await startReportWorker();
    amqp = await new ReportAmqpClient().connect(env.RABBITMQ_URL);
    responses = await amqp.collect(env.RABBITMQ_RESPONSE_QUEUE);
    client = ClientProxyFactory.create({
      transport: Transport.RMQ,
      options: { urls: [env.RABBITMQ_URL], queue: env.RABBITMQ_REQUEST_QUEUE, noAssert: true },
    });
    await client.connect();
  });

  afterAll(async () => {
    await client?.close();
    await app
      ?.get<Connection>(getConnectionToken())
      .dropDatabase()
      .catch(() => undefined);
    await app?.close();
    await amqp?.deleteQueues(reportTestQueues(env));
    await amqp?.close();
    await store.disconnect().catch(() => undefined);
    await redisProxy.stop();
  });

  it('keeps no planted value readable in MongoDB, Redis or the dead-letter queue, and still serves the report', async () => {
    const request = plantedRequest();
    await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, request);
    const response = await responseFor(request.request_id);
    expect(response).toMatchObject({ status: 'success' });
    // The same content again (reused), a Nest get (cached on the way), and an invalid request (dead-lettered).
    await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, { ...request, request_id: `${request.request_id}-again` });
    expect(await responseFor(`${request.request_id}-again`)).toMatchObject({ reused: true, reused_by: 'content_hash' });
    const got = await send(REPORT_PATTERNS.get, { report_id: response.report_id });
    expect(JSON.stringify(got.report)).toContain(`${MARK}-assessment`);
    expect(got.report.markdown_content).toContain(`${MARK}-lab`);
    const invalid = plantedRequest({ disclaimer: undefined });
    await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, invalid);
    expect(await responseFor(invalid.request_id)).toMatchObject({ status: 'failed' });
    const dlq = `${env.RABBITMQ_REQUEST_QUEUE}_dlq`;
    await waitFor(async () => (await amqp.messageCount(dlq)) === 1, {
      description: 'the invalid request dead-lettered',
    });

    const stored = await everythingStored([response.report_id], [request.user_id]);
    const deadLetter = await amqp.takeOne(dlq);
    expect(deadLetter?.properties.headers?.['x-sealed-body']).toBeTruthy();
    for (const value of PLANTED) {
      expect(stored).not.toContain(value);
      expect(deadLetter!.content.toString()).not.toContain(value);
    }
    const raw = await db().collection('medical_reports').findOne({ report_id: response.report_id });
    expect(raw).toMatchObject({
      user_id: request.user_id,
      key_id: expect.any(String),
      sealed_content: expect.stringMatching(/^enc1\./),
    });
    expect(raw).not.toHaveProperty('report_data');
    expect(raw).not.toHaveProperty('markdown_content');
  });

  it('deletes a report for good while Redis is away: never served from the copy left there, never reused', async () => {
    const request = plantedRequest();
    const { report_id } = await send(REPORT_PATTERNS.generate, request);
    const control = await send(REPORT_PATTERNS.generate, plantedRequest());
    for (const id of [report_id, control.report_id])
      expect(await send(REPORT_PATTERNS.get, { report_id: id })).toMatchObject({ found: true });
    expect(await redis.exists(`report:${report_id}`)).toBe(1);

    redisProxy.cut();
    expect(await send(REPORT_PATTERNS.delete, { report_id })).toEqual({ report_id, deleted: true });
    redisProxy.restore();
    expect(await redis.exists(`report:${report_id}`)).toBe(1); // the copy Redis kept through the delete
    // The worker reads Redis again once a report it did not delete is served from its cache.
    await waitFor(async () => (await send(REPORT_PATTERNS.get, { report_id: control.report_id })).source === 'cache', {
      description: 'the worker back on Redis',
    });

    expect(await send(REPORT_PATTERNS.get, { report_id })).toEqual({ report_id, found: false });
    const again = await send(REPORT_PATTERNS.generate, {
      ...request,
      request_id: `${request.request_id}-after-delete`,
    });
    expect(again).toMatchObject({ status: 'success', reused: false });
    expect(again.report_id).not.toBe(report_id);
  });

  it('moves every stored report to a new key with keys:rotate; the old key can then leave the ring', async () => {
    const request = plantedRequest();
    const { report_id } = await send(REPORT_PATTERNS.generate, request);
    const oldRing = process.env.REPORT_ENCRYPTION_KEYS!;
    const newKey = testSecrets().REPORT_ENCRYPTION_KEYS;
    const newKeyId = newKey.split(':')[0];
    Object.assign(process.env, { REPORT_ENCRYPTION_KEYS: `${newKey},${oldRing}` });
    try {
      const rotation = await NestFactory.createApplicationContext(KeyRotationModule.forRoot(), { logger: false });
      const result = await rotation
        .get(KeyRotationService)
        .rotate()
        .finally(() => rotation.close());
      expect(result).toMatchObject({ current_key: newKeyId });
      expect(result.reports_rewrapped).toBeGreaterThanOrEqual(1);
      expect(result.cache_dropped).toBeGreaterThanOrEqual(1);
      expect(
        await db()
          .collection('medical_reports')
          .countDocuments({ key_id: { $ne: newKeyId } }),
      ).toBe(0);

      // A worker that knows only the new key serves the rotated report.
      await app.close();
      Object.assign(process.env, { REPORT_ENCRYPTION_KEYS: newKey });
      app = await startReportWorker();
      const got = await send(REPORT_PATTERNS.get, { report_id });
      expect(got).toMatchObject({ found: true, source: 'database' });
      expect(JSON.stringify(got.report)).toContain(`${MARK}-plan`);
    } finally {
      Object.assign(process.env, { REPORT_ENCRYPTION_KEYS: oldRing });
    }
  });
});
