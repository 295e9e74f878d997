/**
 * Report worker benchmark. Figures only, never pass/fail. Each scenario starts a fresh
 * worker process, compiled as production runs it (`npm run build` first), against the real
 * RabbitMQ, Redis and MongoDB-wire server, with the fake OpenAI server as the LLM.
 *   npm run bench -- report-worker      (bench/run.sh builds the apps, then runs it)
 * Each scenario also reads the worker's GET /metrics to show the store's share of a report: MongoDB
 * round trips per report and the time in them against the worker's own code.
 * BENCH_NODE_FLAGS adds node flags to the worker (e.g. `--max-semi-space-size=4`).
 */
import {
  FakeOpenAiServer,
  jsonOf,
  provideTestSecrets,
  ReportAmqpClient,
  reportRequest,
  reportResponseQueueOptions,
  reportTestEnv,
  reportTestQueues,
  waitFor,
} from '@app/testing';
import { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mongoose';
import { parseKnowledgeBaseFile } from '../apps/report-worker/src/knowledge-base/knowledge-base-file.parser';
import { APP_NODE_FLAGS, ROOT, startProcess } from './event-bench.support';
import { loadAverage, scrapeMetrics, storeShare } from './report-bench.support';

const llm = new FakeOpenAiServer();
// The worker's keys, made for this run unless the caller set them; every worker started inherits them.
provideTestSecrets(process.env);

interface Worker {
  child: ChildProcess;
  env: Record<string, string>;
  amqp: ReportAmqpClient;
  /** Arrival times of responses per request_id (a repeated request_id is answered more than once). */
  received: Map<string, number[]>;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] * 100) / 100;
}

/** CPU time (user + system) a process has used so far, in ms, from the kernel. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Peak resident set size of a process, from the kernel (VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

async function startWorker(prefetch: number): Promise<Worker> {
  const env = reportTestEnv('bench_report', {
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_BASE_URL: llm.baseUrl,
    RABBITMQ_PREFETCH_COUNT: String(prefetch),
    HEALTH_PORT: String(20000 + Math.floor(Math.random() * 20000)),
    LOG_LEVEL: 'warn',
  });
  const db = await createConnection(env.MONGODB_URI).asPromise();
  await db
    .collection('knowledge_base')
    .insertMany(parseKnowledgeBaseFile(readFileSync(join(ROOT, 'data/knowledge-base/sample.json'), 'utf8')));
  await db.close();
  // Compiled, as production runs it (bench/run.sh builds first), with BENCH_NODE_FLAGS.
  const child = startProcess('apps/report-worker/src/main.ts', env);
  const amqp = await new ReportAmqpClient().connect(env.RABBITMQ_URL);
  await waitFor(() => fetch(`http://127.0.0.1:${env.HEALTH_PORT}/health/ready`).then((r) => r.ok), {
    timeoutMs: 90_000,
    intervalMs: 250,
  });
  await amqp.channel.assertQueue(env.RABBITMQ_RESPONSE_QUEUE, reportResponseQueueOptions());
  const received = new Map<string, number[]>();
  await amqp.channel.consume(
    env.RABBITMQ_RESPONSE_QUEUE,
    (m) => {
      if (!m) return;
      const id = jsonOf(m).request_id as string;
      received.set(id, [...(received.get(id) ?? []), performance.now()]);
    },
    { noAck: true },
  );
  return { child, env, amqp, received };
}

async function stopWorker(worker: Worker): Promise<number> {
  const rss = peakRssMb(worker.child.pid!);
  const exited = new Promise((resolve) => worker.child.once('exit', resolve));
  worker.child.kill('SIGTERM');
  await exited;
  await worker.amqp.deleteQueues(reportTestQueues(worker.env));
  await worker.amqp.close();
  const db = await createConnection(worker.env.MONGODB_URI).asPromise();
  await db.dropDatabase();
  await db.close();
  return rss;
}

/** All requests published at once; reports/s from the first publish to the last response. */
async function throughput(prefetch: number, count: number) {
  llm.reset().setLatency(2000);
  const worker = await startWorker(prefetch);
  const requests = Array.from({ length: count }, () => reportRequest());
  const before = await scrapeMetrics(worker.env.HEALTH_PORT);
  const cpuBefore = cpuMs(worker.child.pid!);
  const start = performance.now();
  for (const request of requests) await worker.amqp.publish(worker.env.RABBITMQ_REQUEST_QUEUE, request);
  await waitFor(() => worker.received.size >= count, { timeoutMs: 600_000, intervalMs: 20 });
  const seconds = (Math.max(...[...worker.received.values()].flat()) - start) / 1000;
  const workerCpuMs = cpuMs(worker.child.pid!) - cpuBefore;
  const share = storeShare(before, await scrapeMetrics(worker.env.HEALTH_PORT));
  const rss = await stopWorker(worker);
  return {
    prefetch,
    requests: count,
    seconds: Math.round(seconds * 100) / 100,
    reports_per_second: Math.round((count / seconds) * 10) / 10,
    peak_rss_mb: rss,
    mongo_round_trips_per_report: share.mongo_round_trips_per_report,
    mongo_ms_per_report: share.mongo_ms_per_report,
    // The worker's CPU per report: what it costs itself, whatever else the machine is doing.
    worker_cpu_ms_per_report: Math.round((workerCpuMs / count) * 10) / 10,
    share,
  };
}

/** One request at a time, publish to response: what the worker adds around the LLM call. */
async function sequential(
  worker: Worker,
  bodies: Array<Record<string, unknown>>,
  shares?: Record<string, unknown>,
  phase?: string,
): Promise<number[]> {
  const before = await scrapeMetrics(worker.env.HEALTH_PORT);
  const latencies: number[] = [];
  for (const body of bodies) {
    const id = body.request_id as string;
    const seen = worker.received.get(id)?.length ?? 0;
    const start = performance.now();
    await worker.amqp.publish(worker.env.RABBITMQ_REQUEST_QUEUE, body);
    await waitFor(() => (worker.received.get(id)?.length ?? 0) > seen, { timeoutMs: 30_000, intervalMs: 1 });
    latencies.push(worker.received.get(id)![seen] - start);
  }
  if (shares && phase) shares[phase] = storeShare(before, await scrapeMetrics(worker.env.HEALTH_PORT));
  return latencies;
}

async function overheadAndCache(count: number) {
  llm.reset().setLatency(0);
  const worker = await startWorker(16);
  await sequential(
    worker,
    Array.from({ length: 10 }, () => reportRequest()),
  ); // warm-up
  const shares: Record<string, unknown> = {};
  const fresh = await sequential(
    worker,
    Array.from({ length: count }, () => reportRequest()),
    shares,
    'fresh',
  );
  const original = reportRequest();
  await sequential(worker, [original]);
  const sameContent = await sequential(
    worker,
    Array.from({ length: count }, (_, i) => ({ ...original, request_id: `${original.request_id}-${i}` })),
    shares,
    'same_content',
  );
  const llmCallsBefore = llm.calls;
  const sameRequest = await sequential(
    worker,
    Array.from({ length: count }, () => original),
    shares,
    'same_request_id',
  );
  const rss = await stopWorker(worker);
  const stats = (values: number[]) => ({
    p50_ms: percentile(values, 50),
    p99_ms: percentile(values, 99),
    n: values.length,
  });
  return {
    overhead: stats(fresh),
    cached_same_content: stats(sameContent),
    cached_same_request_id: stats(sameRequest),
    extra_llm_calls_for_repeats: llm.calls - llmCallsBefore,
    peak_rss_mb: rss,
    shares,
  };
}

async function main(): Promise<void> {
  await llm.start();
  const loadAtStart = loadAverage();
  // BENCH_PREFETCHES narrows the throughput runs (e.g. `64`) when iterating on one figure.
  const prefetches = (process.env.BENCH_PREFETCHES ?? '1,16,64').split(',').map(Number);
  const runs = [];
  for (const prefetch of prefetches) runs.push(await throughput(prefetch, prefetch === 1 ? 4 : prefetch * 4));
  const latency = await overheadAndCache(Number(process.env.BENCH_SEQUENTIAL ?? 100));
  await llm.stop();
  const result = {
    at: new Date().toISOString(),
    worker: 'dist (compiled)',
    llm_latency_ms: 2000,
    load_average: { at_start: loadAtStart, at_end: loadAverage(), cpus: availableParallelism() },
    node_flags: APP_NODE_FLAGS,
    throughput: runs,
    overhead_at_0ms_llm: latency.overhead,
    cached_repeat: {
      same_content_new_request_id: latency.cached_same_content,
      same_request_id: latency.cached_same_request_id,
      extra_llm_calls: latency.extra_llm_calls_for_repeats,
    },
    peak_rss_mb: Math.max(...runs.map((r) => r.peak_rss_mb), latency.peak_rss_mb),
    store_share_sequential_llm_0ms: latency.shares,
    targets: { reports_per_second_at_prefetch_64: 25, overhead_p50_ms: 5, cache_p99_ms: 20, rss_mb: 150 },
    seed_001_claims: { reports_per_minute_per_worker: '1-2', memory_mb: '200-300' },
  };
  console.table(
    runs.map(({ share, ...figures }) => ({ ...figures, handler_ms_per_report: share.handler_ms_per_report })),
  );
  console.table({
    overhead: latency.overhead,
    cached_same_content: latency.cached_same_content,
    cached_same_request_id: latency.cached_same_request_id,
  });
  // The per-command split stays in the JSON; the table shows the shares.
  console.table(
    Object.fromEntries(
      Object.entries(latency.shares).map(([phase, share]) => [
        phase,
        { ...(share as object), mongo_round_trips_by_command: undefined },
      ]),
    ),
  );
  console.log(
    `peak RSS ${result.peak_rss_mb} MB (${result.worker}); load average ${loadAtStart.join(' ')} -> ${result.load_average.at_end.join(' ')}`,
  );
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/report-worker.json'), `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
