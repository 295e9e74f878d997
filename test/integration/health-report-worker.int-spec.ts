import {
  expectReadinessToFollowOutage,
  getJson,
  serviceUrls,
  TcpOutageProxy,
  uniqueName,
  waitUntilReady,
  withEnv,
} from '@app/testing';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureApp, createHttpAdapter } from '../../apps/report-worker/src/configure-app';
import { ReportWorkerModule } from '../../apps/report-worker/src/report-worker.module';

/** The worker reaches each dependency through a proxy the spec can cut, as if the service stopped. */
describe('report worker health', () => {
  jest.setTimeout(60_000);
  const rabbitmq = new TcpOutageProxy('127.0.0.1', 5672);
  const mongo = new TcpOutageProxy('127.0.0.1', 27017);
  const redis = new TcpOutageProxy('127.0.0.1', 6379);
  let app: NestFastifyApplication;
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
    app = configureApp(
      await NestFactory.create<NestFastifyApplication>(ReportWorkerModule.forRoot(), createHttpAdapter(), {
        logger: false,
      }),
    );
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    restoreEnv();
    await Promise.all([rabbitmq.stop(), mongo.stop(), redis.stop()]);
  });

  it('is live as soon as it listens', async () => {
    expect(await getJson(`${base}/health/live`)).toEqual({
      status: 200,
      body: expect.objectContaining({ status: 'ok' }),
    });
  });

  it("answers an unknown route or method with event-ingest's JSON 404", async () => {
    const response = await fetch(`${base}/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /nope' });
    expect((await fetch(`${base}/health/live`, { method: 'POST' })).status).toBe(404);
  });

  it('is ready when RabbitMQ, MongoDB and Redis answer', async () => {
    const { body } = await waitUntilReady(`${base}/health/ready`);
    expect(Object.keys(body.info)).toEqual(['rabbitmq', 'mongodb', 'redis']);
  });

  it.each([
    ['rabbitmq', rabbitmq],
    ['mongodb', mongo],
    ['redis', redis],
  ])('answers 503 naming %s while it is unreachable, and 200 once it is back', (name, proxy) =>
    expectReadinessToFollowOutage(`${base}/health/ready`, name, proxy),
  );
});
