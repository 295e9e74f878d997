import { REPORT_PATTERNS } from '@app/contracts';
import { NEO4J_DRIVER } from '@app/processors';
import {
  makeEvent,
  reportRequest,
  reportTestEnv,
  reportTestQueues,
  ReportAmqpClient,
  serviceUrls,
  spawnApp,
  TlsStackProbe,
  uniqueName,
  waitFor,
  waitUntilReady,
  withEnv,
} from '@app/testing';
import { INestApplication } from '@nestjs/common';
import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { Driver } from 'neo4j-driver';
import { lastValueFrom } from 'rxjs';
import { startReportWorker } from '../support/report-worker.app';
import { EventAppHandle, request, startEventApp } from './event-pipeline.harness';

/** The settings of one service's TLS stack entry: RABBITMQ_URL, RABBITMQ_TLS_*, and so on. */
function settingsOf(all: Record<string, string>, ...prefixes: string[]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(all).filter(([name]) => prefixes.some((prefix) => name.startsWith(`${prefix}_`))),
  );
}

const portOf = (url: string) => Number(new URL(url).port);

/**
 * Both apps over TLS to every service, on the TLS listeners of `npm run services:up -- --tls`
 * (a local CA; client certificates where the service asks for them; the stack's own user), and
 * plaintext refused at boot while a *_TLS_REQUIRED setting is true. Fails, naming the fix, when
 * that stack is not running.
 */
describe('TLS in transit', () => {
  jest.setTimeout(90_000);
  let probe: TlsStackProbe;
  let tls: Record<string, string>;
  let user: string;

  beforeAll(async () => {
    probe = new TlsStackProbe();
    await probe.assertReachable();
    tls = probe.settings;
    user = decodeURIComponent(new URL(tls.RABBITMQ_URL).username);
  });

  /** Every broker connection of the TLS stack's user is TLS on the TLS port, with the client certificate. */
  async function expectBrokerConnectionsOverTls(atLeast: number): Promise<void> {
    const connections = await waitFor(
      async () => {
        const found = await probe.brokerConnections(user);
        return found.length >= atLeast ? found : null;
      },
      { description: `${atLeast} broker connections of ${user}` },
    );
    for (const connection of connections) {
      expect(connection).toMatchObject({ ssl: true, port: portOf(tls.RABBITMQ_URL) });
      expect(connection.peer_cert_subject).toContain(`CN=${user}`);
    }
  }

  describe('report worker over amqps, rediss and MongoDB TLS', () => {
    let app: INestApplication;
    let client: ClientProxy;
    let restoreEnv: () => void;
    let env: Record<string, string>;

    beforeAll(async () => {
      env = reportTestEnv('tls_reports');
      const mongo = new URL(tls.MONGODB_URI);
      mongo.pathname = new URL(env.MONGODB_URI).pathname;
      env = {
        ...env,
        ...settingsOf(tls, 'RABBITMQ', 'REDIS', 'MONGODB'),
        MONGODB_URI: mongo.toString(),
        ENV_FILE: '/dev/null',
      };
      restoreEnv = withEnv(env);
      app = await startReportWorker({ listen: true });
      client = ClientProxyFactory.create({
        transport: Transport.RMQ,
        options: {
          urls: [tls.RABBITMQ_URL],
          queue: env.RABBITMQ_REQUEST_QUEUE,
          noAssert: true,
          socketOptions: { connectionOptions: probe.files('RABBITMQ') },
        },
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
      const amqp = await new ReportAmqpClient().connect(serviceUrls.rabbitmq);
      await amqp.deleteQueues(reportTestQueues(env));
      await amqp.close();
      restoreEnv?.();
    });

    it('answers a report request sent over TLS and stores the report through FerretDB over TLS', async () => {
      const sent = reportRequest();
      const response = await lastValueFrom(client.send(REPORT_PATTERNS.generate, sent));
      expect(response).toMatchObject({ request_id: sent.request_id, status: 'success', error_message: null });
      const connection = app.get<Connection>(getConnectionToken());
      expect(connection.getClient().options).toMatchObject({
        tls: true,
        hosts: [expect.objectContaining({ port: portOf(tls.MONGODB_URI) })],
      });
      expect(await connection.collection('medical_reports').countDocuments({ report_id: response.report_id })).toBe(1);
    });

    it('reaches the broker and Redis as the stack user, over TLS with its client certificate, and is ready', async () => {
      const ready = await waitUntilReady(`${await app.getUrl()}/health/ready`);
      expect(ready.body.info).toMatchObject({
        rabbitmq: { status: 'up' },
        mongodb: { status: 'up' },
        redis: { status: 'up' },
      });
      // The worker's two connections (publisher and consumer) and the spec's client.
      await expectBrokerConnectionsOverTls(3);
      const clients = await probe.redisClients(decodeURIComponent(new URL(tls.REDIS_URL).username));
      expect(clients.length).toBeGreaterThan(0);
      for (const redisClient of clients) expect(redisClient.laddr).toMatch(new RegExp(`:${portOf(tls.REDIS_URL)}$`));
    });
  });

  describe('event-ingest over amqps, its Neo4j processor over Bolt TLS', () => {
    let handle: EventAppHandle;

    beforeAll(async () => {
      handle = await startEventApp({
        ...settingsOf(tls, 'RABBITMQ', 'NEO4J'),
        EVENT_SINKS: 'neo4j',
        EVENT_PROCESSORS: 'all',
      });
      await waitUntilReady(`${handle.base}/health/ready`);
    });

    afterAll(async () => {
      await handle?.close();
    });

    it('carries a posted event into Neo4j through an encrypted driver', async () => {
      const userId = `${handle.scope}-u-tls`;
      const event = makeEvent(handle.scope, {
        user_id: userId,
        product_id: `${handle.scope}-p1`,
        event_type: 'purchase',
      });
      expect((await request('POST', `${handle.base}/events`, event)).status).toBe(202);
      const rows = await waitFor(
        async () => {
          const found = await handle.graph.interactions(userId);
          return found.length > 0 ? found : null;
        },
        { description: 'the purchase in the graph' },
      );
      expect(rows).toEqual([
        expect.objectContaining({ type: 'PURCHASED', product_id: `${handle.scope}-p1`, count: 1 }),
      ]);
      // Neo4j's Bolt port also takes plaintext: the app's driver must be the one that encrypts.
      expect(handle.app.get<Driver>(NEO4J_DRIVER).isEncrypted()).toBe(true);
      await expectBrokerConnectionsOverTls(1);
    });
  });

  describe('*_TLS_REQUIRED', () => {
    /** The exit code, or 'still running' (then stopped) when the app booted after all. */
    async function exitOf(app: ReturnType<typeof spawnApp>): Promise<number | string> {
      const booted = new Promise<string>((done) => setTimeout(() => done('still running'), 45_000).unref());
      const result = await Promise.race([app.exited, booted]);
      if (result === 'still running') app.child.kill('SIGKILL');
      return result;
    }

    it('refuses plaintext URLs and a missing CA file at boot, one line per setting', async () => {
      const missing = `${tls.RABBITMQ_TLS_CA_FILE}.${uniqueName('missing')}`;
      const worker = spawnApp('apps/report-worker/src/main.ts', {
        ...settingsOf(tls, 'RABBITMQ', 'REDIS', 'MONGODB'),
        RABBITMQ_URL: serviceUrls.rabbitmq,
        REDIS_URL: serviceUrls.redis,
        MONGODB_URI: serviceUrls.mongodb,
        REDIS_TLS_CA_FILE: missing,
      });
      const ingest = spawnApp('apps/event-ingest/src/main.ts', {
        ...settingsOf(tls, 'RABBITMQ', 'NEO4J'),
        NEO4J_URI: serviceUrls.neo4j,
      });
      expect(await exitOf(worker)).toBe(78);
      expect(await exitOf(ingest)).toBe(78);
      expect(worker.output().trim().split('\n')).toEqual([
        expect.stringMatching(
          /^Invalid setting RABBITMQ_URL \(got "amqp:\/\/\*\*\*@127\.0\.0\.1:\d+"\): RABBITMQ_TLS_REQUIRED is true: RABBITMQ_URL must be amqps:\/\//,
        ),
        expect.stringMatching(
          /^Invalid setting MONGODB_URI \(got "mongodb:\/\/[^"]+"\): MONGODB_TLS_REQUIRED is true: MONGODB_URI must be a URI with tls=true/,
        ),
        expect.stringMatching(
          /^Invalid setting REDIS_URL \(got "redis:\/\/[^"]+"\): REDIS_TLS_REQUIRED is true: REDIS_URL must be a rediss:\/\/ URL$/,
        ),
        `Invalid setting REDIS_TLS_CA_FILE (got "${missing}"): REDIS_TLS_CA_FILE must name a readable file (no such file)`,
      ]);
      expect(ingest.output().trim().split('\n')).toEqual([
        expect.stringMatching(
          /^Invalid setting NEO4J_URI \(got "bolt:\/\/[^"]+"\): NEO4J_TLS_REQUIRED is true: NEO4J_URI must be a bolt\+s:\/\/ or neo4j\+s:\/\/ URI$/,
        ),
      ]);
    });
  });
});
