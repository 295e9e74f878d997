import { EventWorkerEnv } from '@app/config';
import { waitFor } from '@app/testing';
import { AppProcess, waitUntilReady } from './app.process';
import { EventHarness } from './event.harness';
import { ReportHarness } from './report.harness';
import { freePort, stack } from './stack.env';
import { ProxiedService, throughProxy, ToxiproxyClient } from './toxiproxy.client';

/** One Toxiproxy proxy per service of the drills' stack; the apps' URLs point at them. */
export class ProxiedStack {
  readonly toxiproxy: ToxiproxyClient;
  readonly urls = {} as Record<ProxiedService, string>;

  constructor(prefix: string) {
    this.toxiproxy = new ToxiproxyClient(prefix);
  }

  async open(): Promise<this> {
    const upstreams: Record<ProxiedService, string> = {
      rabbitmq: stack.rabbitmq,
      mongo: stack.mongodb,
      redis: stack.redis,
      neo4j: stack.neo4j,
    };
    for (const [service, url] of Object.entries(upstreams) as Array<[ProxiedService, string]>) {
      this.urls[service] = throughProxy(url, await this.toxiproxy.proxy(service, new URL(url).host));
    }
    return this;
  }
}

/**
 * The report harness whose workers reach RabbitMQ, FerretDB and Redis through the proxies; the
 * harness itself (publisher, response consumer, counts) talks to the services directly, so what it
 * measures is never slowed or cut by a toxic.
 */
export class ProxiedReportHarness extends ReportHarness {
  constructor(
    name: string,
    private readonly proxied: ProxiedStack,
  ) {
    super(name);
  }

  override env(): Record<string, string> {
    const mongo = new URL(super.env().MONGODB_URI);
    mongo.host = new URL(this.proxied.urls.mongo).host;
    return {
      ...super.env(),
      RABBITMQ_URL: this.proxied.urls.rabbitmq,
      MONGODB_URI: mongo.toString(),
      REDIS_URL: this.proxied.urls.redis,
    };
  }
}

/**
 * The event harness whose API and Neo4j worker reach RabbitMQ and Neo4j through the proxies (the
 * graph is counted directly). The worker serves /health/ready (--health-port), so recovery after a
 * fault covers it too.
 */
export class ProxiedEventHarness extends EventHarness {
  constructor(
    name: string,
    private readonly proxied: ProxiedStack,
  ) {
    super(name);
  }

  override env(): Record<string, string> {
    return { ...super.env(), RABBITMQ_URL: this.proxied.urls.rabbitmq, NEO4J_URI: this.proxied.urls.neo4j };
  }

  async startWithWorkerHealth(): Promise<this> {
    await super.start({ worker: false });
    const port = await freePort();
    const worker = new AppProcess(
      `${this.name}-neo4j-worker`,
      'apps/event-ingest/src/worker/main.ts',
      EventWorkerEnv,
      this.env(),
      ['--queue', 'neo4j', '--health-port', String(port)],
    );
    worker.healthUrl = `http://127.0.0.1:${port}/health/ready`;
    this.worker = worker.start();
    await waitUntilReady(worker);
    await waitFor(async () => !worker.running || (await this.queueInfo('neo4j')).consumers > 0, {
      timeoutMs: 90_000,
      intervalMs: 250,
      description: 'neo4j worker consuming',
    });
    if (!worker.running) throw new Error(`${worker.name} exited before it consumed (see ${worker.logFile})`);
    return this;
  }
}
