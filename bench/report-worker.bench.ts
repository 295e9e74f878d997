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
import { APP_NODE_FLAGS, cpuMicros, cpuMicrosOfProcesses, ROOT, startProcess } from './event-bench.support';
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
  return cpuMicros(pid) / 1000;
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

const LLM_LATENCY_MS = 2000;

/**
 * Requests per throughput run: BENCH_WAVES (default 10) times the prefetch. All are published at
 * once and the rate is counted from the first publish to the last response, so a run of N requests
 * at prefetch P and LLM latency L takes at least N/P waves of L: its ideal is exactly P/L, and what
 * it loses on top is the worker's serial work per report plus the run's fixed costs (publishing N
 * messages, the first wave's burst of deliveries, the last response's tail). At N = 4P those fixed
 * costs are spread over 8 s and weigh several percent on their own; at 10 waves (20 s) they weigh
 * a fraction of that, so the ratio is about the steady state. `steady_*` also leaves out the first
 * wave: the rate from the P-th response to the last, (N-P)/(t_N - t_P), again exactly P/L at best.
 */
const WAVES = Number(process.env.BENCH_WAVES ?? 10);

/** Busy and total CPU time of the whole machine (all cores), from /proc/stat, in clock ticks. */
function machineTicks(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const ticks = fields.map(Number);
  const idle = ticks[3] + ticks[4]; // idle + iowait
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** The services' processes on this machine, by name: their CPU is part of what a report costs the box. */
const SERVICES = { mongodb: ['ferretdb', 'postgres'], rabbitmq: ['beam.smp'], redis: ['redis-server'] };

/** CPU ms used so far by each service's processes (from /proc; a process gone meanwhile takes its CPU with it). */
function serviceCpuMs(): Record<string, number> {
  return Object.fromEntries(
    Object.entries(SERVICES).map(([service, names]) => [service, cpuMicrosOfProcesses(names) / 1000]),
  );
}

/** All requests published at once; reports/s from the first publish to the last response. */
async function throughput(prefetch: number, count: number) {
  llm.reset().setLatency(LLM_LATENCY_MS);
  const worker = await startWorker(prefetch);
  const requests = Array.from({ length: count }, () => reportRequest());
  const before = await scrapeMetrics(worker.env.HEALTH_PORT);
  const cpuBefore = cpuMs(worker.child.pid!);
  const machineBefore = machineTicks();
  const servicesBefore = serviceCpuMs();
  const benchCpuBefore = process.cpuUsage();
  const start = performance.now();
  for (const request of requests) await worker.amqp.publish(worker.env.RABBITMQ_REQUEST_QUEUE, request);
  await waitFor(() => worker.received.size >= count, { timeoutMs: 600_000, intervalMs: 20 });
  const arrivals = [...worker.received.values()].map((times) => times[0]).sort((a, b) => a - b);
  const seconds = (arrivals[arrivals.length - 1] - start) / 1000;
  const steadySeconds = (arrivals[arrivals.length - 1] - arrivals[Math.min(prefetch, count) - 1]) / 1000;
  const workerCpuMs = cpuMs(worker.child.pid!) - cpuBefore;
  const machineAfter = machineTicks();
  const servicesAfter = serviceCpuMs();
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const share = storeShare(before, await scrapeMetrics(worker.env.HEALTH_PORT));
  const rss = await stopWorker(worker);
  const rate = count / seconds;
  const steadyRate = count > prefetch ? (count - prefetch) / steadySeconds : NaN;
  // The bound: every prefetch slot busy with an LLM call all the time. The nominal one uses the
  // configured latency; the fake's own time per call (latency plus streaming, measured where it
  // answers) is also shown, and the ratio against it says what the worker alone loses.
  const llmMs = llm.servedMs.reduce((a, b) => a + b, 0) / Math.max(1, llm.servedMs.length);
  const bound = prefetch / (LLM_LATENCY_MS / 1000);
  const measuredBound = prefetch / (llmMs / 1000);
  return {
    prefetch,
    requests: count,
    seconds: Math.round(seconds * 100) / 100,
    bound_per_second: round1(bound),
    reports_per_second: round1(rate),
    ratio_pct: round1((100 * rate) / bound),
    steady_reports_per_second: round1(steadyRate),
    steady_ratio_pct: round1((100 * steadyRate) / bound),
    llm_ms_per_call_measured: Math.round(llmMs),
    ratio_to_measured_llm_pct: round1((100 * rate) / measuredBound),
    peak_rss_mb: rss,
    mongo_round_trips_per_report: share.mongo_round_trips_per_report,
    mongo_ms_per_report: share.mongo_ms_per_report,
    // The worker's own CPU per report (kernel's utime + stime of its process). The LLM is excluded
    // by construction: the fake LLM is a server in this bench process, not in the worker.
    worker_cpu_ms_per_report: round1(workerCpuMs / count),
    // The bench process (publisher, response consumer and the fake LLM) and the whole machine, for context.
    bench_process_cpu_ms_per_report: round1((benchCpu.user + benchCpu.system) / 1000 / count),
    // The store (FerretDB + PostgreSQL), the broker and Redis per report: this box's two cores are
    // shared by all of them. A process that exits during the run (a PostgreSQL backend whose
    // connection FerretDB closed) takes its CPU with it, so read these as lower bounds (even < 0).
    service_cpu_ms_per_report: Object.fromEntries(
      Object.keys(servicesAfter).map((name) => [name, round1((servicesAfter[name] - servicesBefore[name]) / count)]),
    ),
    machine_cpu_busy_pct: Math.round(
      (100 * (machineAfter.busy - machineBefore.busy)) / (machineAfter.total - machineBefore.total),
    ),
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
  const prefetches = (process.env.BENCH_PREFETCHES ?? '1,16,64,256').split(',').map(Number);
  const runs = [];
  for (const prefetch of prefetches) runs.push(await throughput(prefetch, prefetch * WAVES));
  const latency = await overheadAndCache(Number(process.env.BENCH_SEQUENTIAL ?? 100));
  await llm.stop();
  const result = {
    at: new Date().toISOString(),
    worker: 'dist (compiled)',
    llm_latency_ms: LLM_LATENCY_MS,
    waves: WAVES,
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
    targets: { ratio_pct_at_prefetch_64_and_256: 94, overhead_p50_ms: 5, cache_p99_ms: 20, rss_mb: 150 },
    seed_001_claims: { reports_per_minute_per_worker: '1-2', memory_mb: '200-300' },
  };
  console.table(
    runs.map(({ share, service_cpu_ms_per_report: services, ...figures }) => ({
      ...figures,
      store_cpu_ms_per_report: services.mongodb,
      handler_ms_per_report: share.handler_ms_per_report,
      writer_ms_per_report: share.writer_ms_per_report,
    })),
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
        {
          ...(share as object),
          mongo_round_trips_by_command: undefined,
          mongo_ms_per_round_trip_by_command: undefined,
        },
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
