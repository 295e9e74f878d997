import { EventBrokerFixture, EventGraphProbe, serviceUrls, testSecrets, uniqueName, withEnv } from '@app/testing';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureApp, createHttpAdapter } from '../../apps/event-ingest/src/configure-app';
import { EventIngestModule, EventIngestOptions } from '../../apps/event-ingest/src/event-ingest.module';

export const ADMIN_TOKEN = testSecrets().ADMIN_TOKEN;
/** Short broker retry delays, so a spec sees retries run out in about a second. */
export const TEST_RETRY_DELAYS_MS = [100, 200, 300];

export interface EventAppHandle {
  app: NestFastifyApplication;
  base: string;
  /** Unique per spec: topology prefix and the prefix of every id the spec writes. */
  scope: string;
  broker: EventBrokerFixture;
  graph: EventGraphProbe;
  close(): Promise<void>;
}

/**
 * Boots the event-ingest app in this process as main.ts does (same adapter, configureApp), on
 * its own copy of the topology (EVENTS_TOPOLOGY_PREFIX = scope), and cleans everything up on
 * close: the app, the spec's queues and exchanges, and its nodes in Neo4j.
 */
export async function startEventApp(
  env: Record<string, string> = {},
  options: EventIngestOptions = {},
  scope = uniqueName('evt').replace(/_/g, '-'),
): Promise<EventAppHandle> {
  const restoreEnv = withEnv({
    ADMIN_TOKEN,
    ENV_FILE: '/dev/null',
    RABBITMQ_URL: serviceUrls.rabbitmq,
    NEO4J_URI: serviceUrls.neo4j,
    EVENTS_TOPOLOGY_PREFIX: scope,
    EVENT_RETRY_DELAYS_MS: TEST_RETRY_DELAYS_MS.join(','),
    EVENTS_PUBLISH_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'error',
    ...env,
  });
  const broker = await new EventBrokerFixture().open();
  const graph = new EventGraphProbe();
  const app = configureApp(
    await NestFactory.create<NestFastifyApplication>(EventIngestModule.forRoot(options), createHttpAdapter(), {
      logger: ['error'],
    }),
  );
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  return {
    app,
    base,
    scope,
    broker,
    graph,
    async close() {
      await app.close();
      await broker.deleteTopology(scope, (process.env.EVENT_RETRY_DELAYS_MS ?? '').split(',').map(Number));
      await broker.close();
      await graph.cleanup(scope);
      await graph.close();
      restoreEnv();
    },
  };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any;
}

export async function request(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}
