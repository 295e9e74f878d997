import { ReportWorkerEnv } from '@app/config';
import { FakeOpenAiServer, jsonOf, ReportAmqpClient, reportRequest } from '@app/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mongoose';
import { parseKnowledgeBaseFile } from '../../apps/report-worker/src/knowledge-base/knowledge-base-file.parser';
import { AppProcess, waitUntilReady } from './app.process';
import { deleteBrokerObjects, freePort, mongoUri, ROOT, stack } from './stack.env';

/** A value placed in every request's patient fields, so the doors drill can look for it in the logs. */
export const PATIENT_MARKER = 'Zyxdrill Patientname';
/** Every patient value the drills send that no log line may contain. */
export const PATIENT_MARKERS = [PATIENT_MARKER, 'zyxdrill-condition', 'zyxdrill-medication'];

/**
 * Everything one report drill needs: its own queues and database on the drills' stack, the fake
 * LLM, worker processes, a publisher, and counters of what came back (per request_id).
 */
export class ReportHarness {
  readonly llm = new FakeOpenAiServer();
  readonly amqp = new ReportAmqpClient();
  readonly workers: AppProcess[] = [];
  /** request_id -> responses received (a redelivery after a kill may answer twice). */
  readonly responses = new Map<string, Array<Record<string, any>>>();
  readonly queue: string;
  readonly database: string;
  readonly sentIds: string[] = [];
  /** Messages published (valid and raw), and the broker's publisher confirms of them. */
  readonly published = { sent: 0, confirmed: 0 };
  private readonly statusCounts = { success: 0, failed: 0 };
  private consuming = false;
  /** Every queue of this harness starts with it (request, response, DLQ, retry queues). */
  private readonly prefix: string;

  constructor(readonly name: string) {
    const id = `${name}_${Date.now().toString(36)}`;
    this.prefix = `drill_${id}.`;
    this.queue = `drill_${id}.requests`;
    this.database = `drill_${id}`;
  }

  get responseQueue(): string {
    return this.queue.replace(/\.requests$/, '.responses');
  }

  get dlq(): string {
    return `${this.queue}_dlq`;
  }

  async open(llmLatencyMs = 200): Promise<this> {
    await this.llm.start();
    this.llm.setLatency(llmLatencyMs);
    await this.amqp.connect(stack.rabbitmq);
    const db = await createConnection(mongoUri(this.database)).asPromise();
    await db
      .collection('knowledge_base')
      .insertMany(parseKnowledgeBaseFile(readFileSync(join(ROOT, 'data/knowledge-base/sample.json'), 'utf8')));
    await db.close();
    return this;
  }

  /**
   * Consumes the response queue, once, after the first worker is ready: the worker declares it with
   * its topology's options (a declaration here with other options would be refused by the broker).
   */
  private async consumeResponses(): Promise<void> {
    if (this.consuming) return;
    this.consuming = true;
    await this.amqp.channel.consume(
      this.responseQueue,
      (message) => {
        if (!message) return;
        const body = jsonOf(message);
        if (body.status === 'success' || body.status === 'failed')
          this.statusCounts[body.status as 'success' | 'failed'] += 1;
        const list = this.responses.get(body.request_id) ?? [];
        list.push(body);
        this.responses.set(body.request_id, list);
      },
      { noAck: true },
    );
  }

  /** Starts one more worker process (wait for it with waitReady). */
  async addWorker(overrides: Record<string, string> = {}): Promise<AppProcess> {
    const port = await freePort();
    const worker = new AppProcess(
      `${this.name}-worker-${this.workers.length + 1}`,
      'apps/report-worker/src/main.ts',
      ReportWorkerEnv,
      {
        ...this.env(),
        HEALTH_PORT: String(port),
        WORKER_NAME: `${this.name}-${this.workers.length + 1}`,
        ...overrides,
      },
    ).start();
    worker.healthUrl = `http://127.0.0.1:${port}/health/ready`;
    this.workers.push(worker);
    return worker;
  }

  async waitReady(worker: AppProcess, timeoutMs = 90_000): Promise<void> {
    await waitUntilReady(worker, timeoutMs);
    await this.consumeResponses();
  }

  /** Where things are (the drills' services, this harness's queues and database, the fake LLM); every other setting is the shipped default. */
  env(): Record<string, string> {
    return {
      RABBITMQ_URL: stack.rabbitmq,
      RABBITMQ_REQUEST_QUEUE: this.queue,
      RABBITMQ_RESPONSE_QUEUE: this.responseQueue,
      MONGODB_URI: mongoUri(this.database),
      REDIS_URL: stack.redis,
      OPENAI_API_KEY: 'sk-drill-fake-llm',
      OPENAI_BASE_URL: this.llm.baseUrl,
    };
  }

  /** Sends one message on the confirm channel and counts the broker's confirm of it. */
  private send(body: Buffer, messageId?: string): void {
    this.published.sent += 1;
    this.amqp.channel.sendToQueue(
      this.queue,
      body,
      { persistent: true, contentType: 'application/json', ...(messageId ? { messageId } : {}) },
      (error) => {
        if (!error) this.published.confirmed += 1;
      },
    );
  }

  /** Publishes `count` valid, distinct requests (own user each, so no content reuse), confirmed. */
  async publish(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const request = reportRequest({
        patient: {
          age: 30 + (i % 50),
          sex: 'female',
          name: PATIENT_MARKER,
          conditions: [PATIENT_MARKERS[1]],
          medications: [PATIENT_MARKERS[2]],
        },
      });
      this.sentIds.push(request.request_id);
      this.send(Buffer.from(JSON.stringify(request)));
      if (i % 500 === 499) await this.amqp.channel.waitForConfirms();
    }
    await this.amqp.channel.waitForConfirms();
  }

  /** Publishes raw bodies (hostile input), each with its own message_id, confirmed. */
  async publishRaw(messages: Array<{ id: string; body: Buffer }>): Promise<void> {
    for (const message of messages) this.send(message.body, message.id);
    await this.amqp.channel.waitForConfirms();
  }

  failedResponses(): number {
    return this.statusCounts.failed;
  }

  successResponses(): number {
    return this.statusCounts.success;
  }

  /** message_id -> copies in the DLQ (the queue is emptied: each copy is read once). */
  async dlqMessageIds(): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (
      let m = await this.amqp.channel.get(this.dlq, { noAck: true });
      m;
      m = await this.amqp.channel.get(this.dlq, { noAck: true })
    ) {
      const id = String(m.properties.messageId);
      ids.set(id, (ids.get(id) ?? 0) + 1);
    }
    return ids;
  }

  answered(): number {
    return this.sentIds.filter((id) => this.responses.has(id)).length;
  }

  /** Every document in this harness's medical_reports, whichever request it belongs to. */
  async storedReports(): Promise<number> {
    const db = await createConnection(mongoUri(this.database)).asPromise();
    try {
      return await db.collection('medical_reports').countDocuments();
    } finally {
      await db.close();
    }
  }

  /** Counts per request_id: answered success once, extra responses, stored reports, and the DLQ (each read, or it throws). */
  async count(): Promise<{
    answered: number;
    succeeded: number;
    extraResponses: number;
    stored: number;
    storedTwice: number;
    missing: number;
    dlq: number;
  }> {
    const db = await createConnection(mongoUri(this.database)).asPromise();
    const perRequest = await db
      .collection('medical_reports')
      .aggregate<{ _id: string; n: number }>([{ $group: { _id: '$request_id', n: { $sum: 1 } } }])
      .toArray();
    await db.close();
    const stored = new Map(perRequest.map((row) => [row._id, row.n]));
    let succeeded = 0;
    let extraResponses = 0;
    for (const id of this.sentIds) {
      const list = this.responses.get(id) ?? [];
      if (list.some((r) => r.status === 'success')) succeeded += 1;
      extraResponses += Math.max(0, list.length - 1);
    }
    return {
      answered: this.answered(),
      succeeded,
      extraResponses,
      stored: this.sentIds.filter((id) => stored.has(id)).length,
      storedTwice: [...stored.values()].filter((n) => n > 1).length,
      missing: this.sentIds.filter((id) => !stored.has(id)).length,
      dlq: await this.amqp.messageCount(this.dlq),
    };
  }

  async close(): Promise<void> {
    for (const worker of this.workers) await worker.stop('SIGTERM');
    await this.amqp.close();
    await deleteBrokerObjects(this.prefix).catch(() => undefined); // the stack is the drills' own and stopped anyway
    const db = await createConnection(mongoUri(this.database)).asPromise();
    await db.dropDatabase().catch(() => undefined);
    await db.close();
    await this.llm.stop();
  }
}
