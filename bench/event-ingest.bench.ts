/**
 * Event pipeline benchmark, all figures in one run; figures only, never pass/fail.
 *   npm run bench -- event-ingest      (bench/run.sh builds the apps first)
 * Processes: the API and a Neo4j worker (compiled, as production runs them), the bare ceiling server, autocannon
 * in this process; the real RabbitMQ and Neo4j. Everything uses a topology and ids of its own
 * (prefix bench-evt-...) and is deleted at the end. BENCH_SECONDS sets each load phase (10).
 */
import { EventBrokerFixture, EventGraphProbe, serviceUrls, testSecrets, waitFor } from '@app/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import {
  brokerCpuMicros,
  cpuMicros,
  load,
  LoadResult,
  percentile,
  printTable,
  ROOT,
  startProcess,
  stopProcess,
} from './event-bench.support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const ROUNDS = 3;
/** Events per POST /events/batch body in the batch phase. */
const BATCH_EVENTS = 100;
const PROCESSOR_EVENTS = Number(process.env.BENCH_PROCESSOR_EVENTS ?? 50_000);
/** BENCH_ONLY=processor runs the Neo4j processor phase alone (for tuning). */
const ONLY_PROCESSOR = process.env.BENCH_ONLY === 'processor';
/** BENCH_ONLY=latency runs the processor and event-to-graph phases (for tuning). */
const ONLY_LATENCY = process.env.BENCH_ONLY === 'latency';
const WORKER_ARGS = (process.env.BENCH_WORKER_ARGS ?? '--workers 1').split(' ');
const PREFIX = `bench-evt-${Date.now().toString(36)}`;
const API_PORT = 18000 + Math.floor(Math.random() * 1000);
const CEILING_PORT = API_PORT + 1000;
const TYPES = ['view', 'view', 'view', 'view', 'cart', 'cart', 'remove_from_cart', 'purchase'];
const env = {
  ADMIN_TOKEN: testSecrets().ADMIN_TOKEN,
  NEO4J_PASSWORD: serviceUrls.neo4jPassword,
  EVENTS_TOPOLOGY_PREFIX: PREFIX,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
};

let counter = 0;
/** A realistic event: 5,000 users, 1,000 products, mostly views; ids carry the bench prefix. */
function eventBody(extra: Record<string, unknown> = {}): string {
  counter++;
  return JSON.stringify({
    event_id: `${PREFIX}-${counter}`,
    user_id: `${PREFIX}-u${counter % 5000}`,
    product_id: `${PREFIX}-p${(counter * 7919) % 1000}`,
    event_type: TYPES[counter % TYPES.length],
    user_session: `${PREFIX}-s${counter % 20000}`,
    price: 10 + (counter % 90),
    ...extra,
  });
}

interface Target {
  url: string;
  pid: number;
}

/** What one phase sends: single events (the default) or batches of `eventsPerRequest`. */
interface PhaseLoad {
  rate?: number;
  seconds?: number;
  body?: () => string;
  eventsPerRequest?: number;
}

/**
 * One load phase against a target, with the CPU the target and the local broker spent in it per
 * event (a request carries `eventsPerRequest` of them); the sink queues are emptied after it.
 */
async function ingestPhase(
  broker: EventBrokerFixture,
  target: Target,
  { rate, seconds = SECONDS, body = eventBody, eventsPerRequest = 1 }: PhaseLoad = {},
): Promise<LoadResult> {
  const cpuBefore = cpuMicros(target.pid);
  const brokerBefore = brokerCpuMicros();
  const result = await load({ url: target.url, body, connections: CONNECTIONS, durationSeconds: seconds, rate });
  const events = Math.max(1, result.requests * eventsPerRequest);
  result.cpuMicrosPerRequest = Math.round((cpuMicros(target.pid) - cpuBefore) / events);
  result.brokerCpuMicrosPerRequest = Math.round((brokerCpuMicros() - brokerBefore) / events);
  for (const sink of ['neo4j', 'qdrant']) await broker.purge(`${PREFIX}.${sink}`);
  return result;
}

/**
 * The ceiling and the API take turns (ROUNDS rounds each, after a warm-up), and each reports its
 * median round: on a shared machine the load drifts, and back-to-back phases would charge the
 * drift to whichever ran second.
 */
async function ceilingVersusApi(broker: EventBrokerFixture, ceilingUrl: Target, apiUrl: Target, rate?: number) {
  for (const target of [ceilingUrl, apiUrl]) await ingestPhase(broker, target, { rate, seconds: 2 }); // warm-up (JIT, pools)
  const rounds: Record<'bare' | 'api', LoadResult[]> = { bare: [], api: [] };
  const seconds = Math.ceil(SECONDS / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    rounds.bare.push(await ingestPhase(broker, ceilingUrl, { rate, seconds }));
    rounds.api.push(await ingestPhase(broker, apiUrl, { rate, seconds }));
  }
  return { bare: medianRound(rounds.bare), api: medianRound(rounds.api) };
}

/** POST /events/batch with BATCH_EVENTS events per body, ROUNDS rounds after a warm-up; events/s is the median round's. */
async function batchPhase(broker: EventBrokerFixture, api: Target) {
  const batch = { url: `${api.url}/batch`, pid: api.pid };
  const batches: PhaseLoad = {
    body: () => JSON.stringify({ events: Array.from({ length: BATCH_EVENTS }, () => JSON.parse(eventBody())) }),
    eventsPerRequest: BATCH_EVENTS,
  };
  await ingestPhase(broker, batch, { ...batches, seconds: 2 }); // warm-up
  const rounds: LoadResult[] = [];
  for (let round = 0; round < ROUNDS; round++)
    rounds.push(await ingestPhase(broker, batch, { ...batches, seconds: Math.ceil(SECONDS / ROUNDS) }));
  const median = medianRound(rounds);
  return {
    ...median,
    eventsPerSecond: median.rps * BATCH_EVENTS,
    cpuMicrosPerEvent: median.cpuMicrosPerRequest,
    brokerCpuMicrosPerEvent: median.brokerCpuMicrosPerRequest,
  };
}

function medianRound(results: LoadResult[]): LoadResult {
  const median = (pick: (r: LoadResult) => number) =>
    [...results.map(pick)].sort((a, b) => a - b)[Math.floor(results.length / 2)];
  const sum = (pick: (r: LoadResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  return {
    rps: median((r) => r.rps),
    p50: median((r) => r.p50),
    p99: median((r) => r.p99),
    cpuMicrosPerRequest: median((r) => r.cpuMicrosPerRequest ?? NaN),
    brokerCpuMicrosPerRequest: median((r) => r.brokerCpuMicrosPerRequest ?? NaN),
    requests: sum((r) => r.requests),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
  };
}

/** Preloads the Neo4j queue, starts one worker, and rates it by the receipts' processed_at span. */
async function processorPhase(broker: EventBrokerFixture, graph: EventGraphProbe) {
  const bodies = Array.from({ length: PROCESSOR_EVENTS }, () => eventBody({ timestamp: new Date().toISOString() }));
  await broker.publishMany('', `${PREFIX}.neo4j`, bodies);
  const worker = startProcess('apps/event-ingest/src/worker/main.ts', env, ['--queue', 'neo4j', ...WORKER_ARGS]);
  const ids = bodies.map((body) => JSON.parse(body).event_id as string);
  await waitFor(async () => (await graph.processed(ids)) === ids.length, {
    timeoutMs: 600_000,
    intervalMs: 500,
    description: 'preloaded events written',
  });
  const span = await graph.processedSpanMs(ids);
  if (ONLY_PROCESSOR)
    process.stdout.write(
      `Neo4j processor: ${Math.round((ids.length / span) * 1000)} events/s (${WORKER_ARGS.join(' ')})\n`,
    );
  return { worker, eventsPerSecond: Math.round((ids.length / span) * 1000) };
}

/** Offers 1,000 events/s through the API with the worker running; latency = processed_at − API receipt time. */
async function eventToGraphPhase(graph: EventGraphProbe, url: string) {
  const first = counter + 1;
  const result = await load({ url, body: eventBody, connections: 20, durationSeconds: SECONDS, rate: 1000 });
  const ids = Array.from({ length: counter - first + 1 }, (_, i) => `${PREFIX}-${first + i}`);
  await waitFor(async () => (await graph.processed(ids)) >= result.requests, {
    timeoutMs: 120_000,
    intervalMs: 500,
    description: 'events in the graph',
  });
  const latencies = await graph.latenciesMs(ids);
  return { offered: result, p50: percentile(latencies, 50), p99: percentile(latencies, 99), landed: latencies.length };
}

/** The machine's 1-minute load average when the run started: a busy machine moves every figure. */
const LOAD_AT_START = loadavg()[0];

async function main(): Promise<void> {
  const broker = await new EventBrokerFixture().open();
  const graph = new EventGraphProbe();
  const api = startProcess('apps/event-ingest/src/main.ts', {
    ...env,
    PORT: String(API_PORT),
    EVENT_PROCESSORS: 'none',
  });
  const ceiling = startProcess('bench/bare-ceiling.server.ts', {
    BENCH_PORT: String(CEILING_PORT),
    BENCH_EXCHANGE: PREFIX,
  });
  let worker: Awaited<ReturnType<typeof processorPhase>>['worker'] | undefined;
  try {
    await waitFor(() => fetch(`http://127.0.0.1:${API_PORT}/health/ready`).then((r) => r.ok), {
      timeoutMs: 90_000,
      intervalMs: 250,
    });
    if (ONLY_PROCESSOR || ONLY_LATENCY) {
      const processor = await processorPhase(broker, graph);
      worker = processor.worker;
      if (ONLY_LATENCY) {
        const toGraph = await eventToGraphPhase(graph, `http://127.0.0.1:${API_PORT}/events`);
        process.stdout.write(
          `Neo4j ${processor.eventsPerSecond} events/s; event → graph p50 ${toGraph.p50} ms, p99 ${toGraph.p99} ms\n`,
        );
      }
      return;
    }
    await waitFor(() => fetch(`http://127.0.0.1:${CEILING_PORT}/`, { method: 'POST', body: '{}' }).then((r) => r.ok), {
      timeoutMs: 30_000,
    });
    const ceilingUrl = { url: `http://127.0.0.1:${CEILING_PORT}/`, pid: ceiling.pid! };
    const apiUrl = { url: `http://127.0.0.1:${API_PORT}/events`, pid: api.pid! };
    const { bare, api: ingest } = await ceilingVersusApi(broker, ceilingUrl, apiUrl);
    const { bare: bareAt2000, api: at2000 } = await ceilingVersusApi(broker, ceilingUrl, apiUrl, 2000);
    const batch = await batchPhase(broker, apiUrl);
    const processor = await processorPhase(broker, graph);
    worker = processor.worker;
    const toGraph = await eventToGraphPhase(graph, `http://127.0.0.1:${API_PORT}/events`);
    report({ bare, ingest, at2000, bareAt2000, batch, neo4jEventsPerSecond: processor.eventsPerSecond, toGraph });
  } finally {
    for (const child of [worker, api, ceiling]) if (child) await stopProcess(child);
    await broker.deleteTopology(PREFIX, [5000, 30000, 300000]);
    await broker.close();
    await graph.cleanupInBatches(PREFIX);
    await graph.close();
  }
}

function report(figures: {
  bare: LoadResult;
  ingest: LoadResult;
  at2000: LoadResult;
  bareAt2000: LoadResult;
  batch: Awaited<ReturnType<typeof batchPhase>>;
  neo4jEventsPerSecond: number;
  toGraph: Awaited<ReturnType<typeof eventToGraphPhase>>;
}): void {
  const { bare, ingest, at2000, bareAt2000, batch, neo4jEventsPerSecond, toGraph } = figures;
  const ratio = Math.round((ingest.rps / bare.rps) * 1000) / 10;
  const p99Ratio = Math.round((at2000.p99 / bareAt2000.p99) * 100) / 100;
  const batchRatio = Math.round((batch.eventsPerSecond / ingest.rps) * 10) / 10;
  printTable([
    [
      'bare node:http + amqplib confirm (50 conn)',
      `${bare.rps} req/s, p50 ${bare.p50} ms, p99 ${bare.p99} ms`,
      'ceiling',
    ],
    ['POST /events (50 conn)', `${ingest.rps} req/s, p50 ${ingest.p50} ms, p99 ${ingest.p99} ms`, '—'],
    ['POST /events / ceiling', `${ratio} %`, '≥ 90 %'],
    ['POST /events at 2,000/s offered', `p50 ${at2000.p50} ms, p99 ${at2000.p99} ms (${at2000.rps} req/s)`, '—'],
    ['bare ceiling at 2,000/s offered', `p50 ${bareAt2000.p50} ms, p99 ${bareAt2000.p99} ms`, '(reference)'],
    ['p99 at 2,000/s, API / ceiling', `${p99Ratio}×`, '≤ 1.25×'],
    [
      `POST /events/batch, ${BATCH_EVENTS} events (50 conn)`,
      `${batch.eventsPerSecond} events/s (${batch.rps} req/s, p99 ${batch.p99} ms)`,
      '—',
    ],
    ['batch events/s / single-event req/s', `${batchRatio}×`, '≥ 5×'],
    [
      'server CPU per request at 2,000/s',
      `API ${at2000.cpuMicrosPerRequest} µs, bare ${bareAt2000.cpuMicrosPerRequest} µs`,
      '(explains the ratio)',
    ],
    [
      'CPU per event at 50 conn: server / broker',
      `bare ${bare.cpuMicrosPerRequest} / ${bare.brokerCpuMicrosPerRequest} µs, API ${ingest.cpuMicrosPerRequest} / ${ingest.brokerCpuMicrosPerRequest} µs, batch ${batch.cpuMicrosPerEvent} / ${batch.brokerCpuMicrosPerEvent} µs`,
      '(two cores for all)',
    ],
    ['Neo4j processor, 1 worker', `${neo4jEventsPerSecond} events/s`, '≥ 5,000 events/s'],
    [
      'event → graph at 1,000/s offered',
      `p50 ${toGraph.p50} ms, p99 ${toGraph.p99} ms (${toGraph.landed} events)`,
      'p99 < 200 ms',
    ],
    ['machine load average (1 min)', `${LOAD_AT_START.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end`, '—'],
    [
      'non-2xx / errors',
      `${[bare, ingest, at2000, batch, toGraph.offered].map((r) => `${r.non2xx}/${r.errors}`).join(', ')}`,
      '0/0',
    ],
  ]);
  const results = {
    at: new Date().toISOString(),
    seconds: SECONDS,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    ratioPercent: ratio,
    p99RatioAt2000: p99Ratio,
    loadAverage: { atStart: LOAD_AT_START, atEnd: loadavg()[0] },
    batchEvents: BATCH_EVENTS,
    batchToSingleRatio: batchRatio,
    ...figures,
    toGraph: { ...toGraph },
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/event-ingest.json'), `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
