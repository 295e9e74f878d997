import {
  EventBrokerFixture,
  expectReadinessToFollowOutage,
  getJson,
  serviceUrls,
  TcpOutageProxy,
  uniqueName,
  waitUntilReady,
  withEnv,
} from '@app/testing';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureApp } from '../../apps/event-ingest/src/configure-app';
import { EventIngestModule } from '../../apps/event-ingest/src/event-ingest.module';

/**
 * The app runs here with the Neo4j processor on (EVENT_PROCESSORS=neo4j), the role whose readiness
 * needs both RabbitMQ and Neo4j. It reaches them through proxies the spec can cut, as if the
 * service stopped. (The API alone needs only RabbitMQ: events wait in the queue while Neo4j is away.)
 */
describe('event-ingest health', () => {
  jest.setTimeout(60_000);
  const rabbitmq = new TcpOutageProxy('127.0.0.1', 5672);
  const neo4j = new TcpOutageProxy('127.0.0.1', 7687);
  let app: NestFastifyApplication;
  let base: string;
  let restoreEnv: () => void;
  const prefix = uniqueName('health_events');

  beforeAll(async () => {
    await Promise.all([rabbitmq.start(), neo4j.start()]);
    restoreEnv = withEnv({
      RABBITMQ_URL: rabbitmq.url(serviceUrls.rabbitmq),
      NEO4J_URI: neo4j.url(serviceUrls.neo4j),
      EVENT_PROCESSORS: 'neo4j',
      EVENTS_TOPOLOGY_PREFIX: prefix,
    });
    app = configureApp(
      await NestFactory.create<NestFastifyApplication>(EventIngestModule.forRoot(), new FastifyAdapter(), {
        logger: false,
      }),
    );
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    restoreEnv();
    await Promise.all([rabbitmq.stop(), neo4j.stop()]);
    const broker = await new EventBrokerFixture().open();
    await broker.deleteTopology(prefix, [5000, 30000, 300000]);
    await broker.close();
  });

  it('is live as soon as it listens', async () => {
    expect(await getJson(`${base}/health/live`)).toEqual({
      status: 200,
      body: expect.objectContaining({ status: 'ok' }),
    });
  });

  it('is ready when RabbitMQ and Neo4j answer', async () => {
    const { body } = await waitUntilReady(`${base}/health/ready`);
    expect(Object.keys(body.info)).toEqual(['rabbitmq', 'neo4j']);
  });

  it.each([
    ['rabbitmq', rabbitmq],
    ['neo4j', neo4j],
  ])('answers 503 naming %s while it is unreachable, and 200 once it is back', (name, proxy) =>
    expectReadinessToFollowOutage(`${base}/health/ready`, name, proxy),
  );
});
