import { getJson, serviceUrls, TcpOutageProxy, uniqueName, waitFor, withEnv } from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureApp } from '../../apps/report-worker/src/configure-app';
import { ReportWorkerModule } from '../../apps/report-worker/src/report-worker.module';

/** The worker reaches each dependency through a proxy the spec can cut, as if the service stopped. */
describe('report worker health', () => {
  jest.setTimeout(60_000);
  const rabbitmq = new TcpOutageProxy('127.0.0.1', 5672);
  const mongo = new TcpOutageProxy('127.0.0.1', 27017);
  const redis = new TcpOutageProxy('127.0.0.1', 6379);
  let app: INestApplication;
  let base: string;
  let restoreEnv: () => void;

  beforeAll(async () => {
    await Promise.all([rabbitmq.start(), mongo.start(), redis.start()]);
    restoreEnv = withEnv({
      RABBITMQ_URL: rabbitmq.url(serviceUrls.rabbitmq),
      MONGODB_URI: mongo.url(`mongodb://127.0.0.1:27017/${uniqueName('health')}`),
      REDIS_URL: redis.url(serviceUrls.redis),
      RABBITMQ_REQUEST_QUEUE: uniqueName('health_requests'),
      RABBITMQ_RESPONSE_QUEUE: uniqueName('health_responses'),
    });
    app = configureApp(await NestFactory.create(ReportWorkerModule.forRoot(), { logger: false }));
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    restoreEnv();
    await Promise.all([rabbitmq.stop(), mongo.stop(), redis.stop()]);
  });

  const ready = () => getJson(`${base}/health/ready`);

  it('is live as soon as it listens', async () => {
    expect(await getJson(`${base}/health/live`)).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok' }) });
  });

  it('is ready when RabbitMQ, MongoDB and Redis answer', async () => {
    const { body } = await waitFor(async () => ((await ready()).status === 200 ? ready() : null), {
      description: 'readiness 200',
    });
    expect(Object.keys(body.info)).toEqual(['rabbitmq', 'mongodb', 'redis']);
  });

  it.each([
    ['rabbitmq', rabbitmq],
    ['mongodb', mongo],
    ['redis', redis],
  ])('answers 503 naming %s while it is unreachable, and 200 once it is back', async (name, proxy) => {
    proxy.cut();
    const down = await waitFor(async () => {
      const probe = await ready();
      return probe.status === 503 && probe.body.error?.[name] ? probe : null;
    }, { description: `503 naming ${name}` });
    expect(down.body.error[name].status).toBe('down');
    expect(Object.keys(down.body.error)).toEqual([name]);

    proxy.restore();
    await waitFor(async () => (await ready()).status === 200, { timeoutMs: 30_000, description: `${name} back` });
  });
});
