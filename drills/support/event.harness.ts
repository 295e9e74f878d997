import { EventIngestEnv, EventWorkerEnv } from '@app/config';
import { waitFor } from '@app/testing';
import { connect, ChannelModel } from 'amqplib';
import neo4j, { Driver } from 'neo4j-driver';
import { AppProcess, httpStatus, waitUntilReady } from './app.process';
import { deleteBrokerObjects, freePort, secrets, stack } from './stack.env';

export const DRILL_ADMIN_TOKEN = secrets.ADMIN_TOKEN;

/**
 * The event pipeline of one drill on the drills' stack: the API process, the Neo4j worker
 * (the worker CLI, as in production), a topology and id prefix of its own, and graph counters.
 */
export class EventHarness {
  readonly prefix: string;
  api!: AppProcess;
  worker?: AppProcess;
  apiUrl = '';
  readonly driver: Driver = neo4j.driver(stack.neo4j, neo4j.auth.basic(stack.neo4jUser, stack.neo4jPassword), {
    disableLosslessIntegers: true,
  });
  private amqp?: ChannelModel;

  constructor(readonly name: string) {
    this.prefix = `drill${name.replace(/\W/g, '')}${Date.now().toString(36)}`;
  }

  /** Where things are (the drills' services, this drill's topology prefix); every other setting is the shipped default. */
  env(): Record<string, string> {
    return {
      RABBITMQ_URL: stack.rabbitmq,
      NEO4J_URI: stack.neo4j,
      NEO4J_USER: stack.neo4jUser,
      NEO4J_PASSWORD: stack.neo4jPassword,
      QDRANT_URL: 'http://127.0.0.1:9', // unused: no Qdrant processor runs in the drills
      ADMIN_TOKEN: DRILL_ADMIN_TOKEN,
      EVENTS_TOPOLOGY_PREFIX: this.prefix,
    };
  }

  /**
   * Starts the API (no processors in it, the default) and, unless `worker` is false, the worker
   * CLI with one Neo4j worker process. `apiEnv` changes settings of the API; the table states them.
   */
  async start(options: { worker?: boolean; apiEnv?: Record<string, string> } = {}): Promise<this> {
    const port = await freePort();
    this.apiUrl = `http://127.0.0.1:${port}`;
    this.api = new AppProcess(`${this.name}-api`, 'apps/event-ingest/src/main.ts', EventIngestEnv, {
      ...this.env(),
      PORT: String(port),
      ...options.apiEnv,
    });
    this.api.healthUrl = `${this.apiUrl}/health/ready`;
    this.api.start();
    if (options.worker !== false) {
      this.worker = new AppProcess(
        `${this.name}-neo4j-worker`,
        'apps/event-ingest/src/worker/main.ts',
        EventWorkerEnv,
        this.env(),
        ['--queue', 'neo4j'],
      ).start();
    }
    await waitUntilReady(this.api);
    if (this.worker) {
      const worker = this.worker;
      await waitFor(async () => !worker.running || (await this.queueInfo('neo4j')).consumers > 0, {
        timeoutMs: 90_000,
        intervalMs: 250,
        description: 'neo4j worker consuming',
      });
      if (!worker.running) throw new Error(`${worker.name} exited before it consumed (see ${worker.logFile})`);
    }
    return this;
  }

  async queueInfo(name: string): Promise<{ messages: number; consumers: number }> {
    const { status, body } = await httpStatus(`${this.apiUrl}/rabbitmq/queues/${name}`);
    return status === 200
      ? (JSON.parse(body) as { messages: number; consumers: number })
      : { messages: -1, consumers: 0 };
  }

  /** A valid event of this drill: ids start with the prefix so the graph counts are the drill's own. */
  event(i: number): { event_id: string } & Record<string, unknown> {
    return {
      event_id: `${this.prefix}-e${i}`,
      user_id: `${this.prefix}-u${i % 500}`,
      product_id: `${this.prefix}-p${i % 50}`,
      event_type: 'view',
      user_session: `${this.prefix}-s${i % 500}`,
    };
  }

  /** The ids of this drill's events with a receipt in Neo4j, and the sum of relationship counts. */
  async graph(): Promise<{ receipts: Set<string>; interactions: number }> {
    const receipts = await this.driver.executeQuery(
      'MATCH (e:ProcessedEvent) WHERE e.event_id STARTS WITH $prefix RETURN e.event_id AS id',
      { prefix: `${this.prefix}-` },
    );
    const counts = await this.driver.executeQuery(
      'MATCH (u:User)-[r]->(:Product) WHERE u.user_id STARTS WITH $prefix RETURN coalesce(sum(r.count), 0) AS n',
      { prefix: `${this.prefix}-` },
    );
    return {
      receipts: new Set(receipts.records.map((r) => r.get('id') as string)),
      interactions: counts.records[0].get('n') as number,
    };
  }

  /** Ready messages in the drill's dead-letter queue (straight from the broker; throws when it cannot be read). */
  async deadLettered(): Promise<number> {
    this.amqp ??= await connect(stack.rabbitmq);
    const channel = await this.amqp.createChannel();
    channel.on('error', () => undefined);
    try {
      return (await channel.checkQueue(`${this.prefix}.dlq`)).messageCount;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /** Stops the processes, deletes the drill's topology and its part of the graph. */
  async close(): Promise<void> {
    await this.worker?.stop('SIGTERM');
    await this.api?.stop('SIGTERM');
    await this.amqp?.close().catch(() => undefined);
    // The broker may be the thing a drill broke; the stack is the drills' own and is stopped anyway.
    await deleteBrokerObjects(this.prefix).catch(() => undefined);
    const session = this.driver.session();
    await session
      .run(
        `MATCH (n) WHERE (n:User AND n.user_id STARTS WITH $p) OR (n:Product AND n.product_id STARTS WITH $p) OR (n:ProcessedEvent AND n.event_id STARTS WITH $p)
         CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`,
        { p: `${this.prefix}-` },
      )
      .catch(() => undefined)
      .finally(() => session.close());
    await this.driver.close();
  }
}
