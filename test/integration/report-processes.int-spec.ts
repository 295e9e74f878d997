import {
  FakeOpenAiServer,
  jsonOf,
  ReportAmqpClient,
  reportRequest,
  reportResponseQueueOptions,
  reportTestEnv,
  reportTestQueues,
  waitFor,
} from '@app/testing';
import { ConsumeMessage } from 'amqplib';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createConnection, Connection } from 'mongoose';

const ROOT = join(__dirname, '../..');

/** A worker in its own process, started from source exactly as `main.ts` starts it. */
class WorkerProcess {
  readonly output: string[] = [];
  exit?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private child?: ChildProcess;

  constructor(private readonly env: Record<string, string>) {}

  async start(): Promise<this> {
    const env = {
      ...process.env,
      ...this.env,
      HEALTH_PORT: String(20000 + Math.floor(Math.random() * 20000)),
      LOG_LEVEL: 'log',
      TS_NODE_SWC: 'true',
    };
    this.child = spawn(
      process.execPath,
      ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', 'apps/report-worker/src/main.ts'],
      { cwd: ROOT, env },
    );
    this.child.stdout!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.exit = new Promise((resolve) => this.child!.once('exit', (code, signal) => resolve({ code, signal })));
    await waitFor(() => this.output.join('').includes('"context":"Bootstrap"'), {
      timeoutMs: 60_000,
      intervalMs: 100,
      description: 'worker ready',
    });
    return this;
  }

  kill(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exit;
    }
  }
}

describe('report worker processes (spawned workers)', () => {
  const llm = new FakeOpenAiServer();
  const workers: WorkerProcess[] = [];
  let env: Record<string, string>;
  let amqp: ReportAmqpClient;
  let responses: ConsumeMessage[];
  let db: Connection;
  const responsesFor = (id: string) => responses.map((m) => jsonOf(m)).filter((r) => r.request_id === id);
  const worker = async (overrides: Record<string, string> = {}) => {
    const started = new WorkerProcess({ ...env, ...overrides });
    workers.push(started);
    return started.start();
  };

  beforeAll(async () => {
    await llm.start();
    env = reportTestEnv('report_processes', {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: llm.baseUrl,
      RABBITMQ_PREFETCH_COUNT: '1',
    });
    amqp = await new ReportAmqpClient().connect(env.RABBITMQ_URL);
    db = await createConnection(env.MONGODB_URI).asPromise();
    // Declared with the worker's arguments, so responses can be collected before any worker runs.
    await amqp.channel.assertQueue(env.RABBITMQ_RESPONSE_QUEUE, reportResponseQueueOptions());
    responses = await amqp.collect(env.RABBITMQ_RESPONSE_QUEUE);
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    llm.reset();
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await db?.close();
    await amqp?.deleteQueues(reportTestQueues(env));
    await amqp?.close();
    await llm.stop();
  });

  it('serves urgent requests before normal ones (the urgent queue has slots of its own and is consumed first)', async () => {
    await worker();
    const before = responses.length;
    // The first worker only declares the queues; with it gone, requests wait for the next one.
    const declaring = workers.pop()!;
    declaring.kill('SIGTERM');
    await declaring.exit;
    const normal = Array.from({ length: 5 }, () => reportRequest());
    const urgent = reportRequest();
    for (const request of normal) await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, request);
    await amqp.publish(`${env.RABBITMQ_REQUEST_QUEUE}.urgent`, urgent);
    await worker();
    await waitFor(() => responses.length >= before + 6, { timeoutMs: 20_000, description: 'six responses' });
    // The normal queue's one slot runs a request beside it, which may finish first; the other four
    // normal requests wait behind that slot, the urgent one never does.
    const order = responses.slice(before).map((m) => jsonOf(m).request_id);
    expect(order.slice(0, 2)).toContain(urgent.request_id);
  }, 90_000);

  it('completes a request once in another process when its worker is SIGKILLed mid-request', async () => {
    // The first worker's LLM call outlives the second worker's start-up; later calls are fast.
    llm.setLatency(120_000);
    const first = await worker();
    const request = reportRequest();
    await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, request);
    await waitFor(() => llm.calls === 1, { timeoutMs: 10_000, description: 'the first worker calling the LLM' });
    await worker();
    llm.setLatency(0);
    first.kill('SIGKILL');
    await first.exit;
    await waitFor(() => responsesFor(request.request_id).length > 0, { timeoutMs: 20_000, description: 'a response' });
    expect(responsesFor(request.request_id)).toEqual([expect.objectContaining({ status: 'success', reused: false })]);
    expect(await db.collection('medical_reports').countDocuments({ request_id: request.request_id })).toBe(1);
    expect(llm.calls).toBe(2);
  }, 90_000);

  it('drains on SIGTERM: stops taking messages, finishes in-flight ones, then exits', async () => {
    llm.setLatency(1500);
    const draining = await worker({ RABBITMQ_PREFETCH_COUNT: '4' });
    const inFlight = Array.from({ length: 3 }, () => reportRequest());
    for (const request of inFlight) await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, request);
    await waitFor(() => llm.calls === 3, { description: 'three LLM calls in flight' });
    draining.kill('SIGTERM');
    await waitFor(() => draining.output.join('').includes('consumer cancelled, draining'), {
      description: 'drain start',
    });
    // Published while the in-flight ones finish: it must stay queued for another worker.
    await amqp.publish(env.RABBITMQ_REQUEST_QUEUE, reportRequest());
    const exit = (await draining.exit)!;
    expect(exit).toEqual({ code: 0, signal: null });
    await waitFor(() => inFlight.every((request) => responsesFor(request.request_id).length > 0), {
      description: 'the drained responses',
    });
    for (const request of inFlight)
      expect(responsesFor(request.request_id)).toEqual([expect.objectContaining({ status: 'success' })]);
    expect(await amqp.messageCount(env.RABBITMQ_REQUEST_QUEUE)).toBe(1);
    expect(draining.output.join('')).not.toContain('unsettled');
  }, 90_000);
});
