/**
 * Reads the report worker's GET /metrics so the benchmark can show what each report costs in
 * MongoDB round trips and where its time goes (store, cache, broker, LLM, the worker's own code).
 */
import { loadavg } from 'node:os';

type Samples = Map<string, number>;

/** Connection upkeep, not work done for a report. */
const NOT_PER_REPORT = new Set([
  'ping',
  'hello',
  'isMaster',
  'ismaster',
  'endSessions',
  'buildInfo',
  'createIndexes',
  'listIndexes',
]);

export async function scrapeMetrics(healthPort: string): Promise<Samples> {
  const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

function label(series: string, name: string): string | undefined {
  return new RegExp(`${name}="([^"]*)"`).exec(series)?.[1];
}

/** Sum of a histogram's _sum or _count over the series that match, between two scrapes. */
function total(
  before: Samples,
  after: Samples,
  suffix: '_sum' | '_count',
  metric: string,
  keep: (series: string) => boolean,
): number {
  let sum = 0;
  for (const [series, value] of after) {
    if (!series.startsWith(`${metric}${suffix}`) || !keep(series)) continue;
    sum += value - (before.get(series) ?? 0);
  }
  return sum;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Per report, between two scrapes: MongoDB round trips and ms in them, ms in Redis, RabbitMQ
 * publishes and the writer, and what is left of the handler's time (the worker's own code, Nest
 * and amqplib). Times are summed per call: calls a report makes in parallel can add up to more
 * than its wall time, so read them as shares, not as a timeline.
 */
export function storeShare(before: Samples, after: Samples) {
  const dependency = 'report_worker_dependency_duration_seconds';
  const reports = total(before, after, '_count', 'report_worker_request_duration_seconds', () => true);
  const perReport = (value: number) => (reports ? value / reports : 0);
  const mongoKeep = (s: string) =>
    label(s, 'dependency') === 'mongodb' && !NOT_PER_REPORT.has(label(s, 'operation') ?? '');
  const byCommand: Record<string, number> = {};
  const msByCommand: Record<string, number> = {};
  for (const series of after.keys()) {
    if (!series.startsWith(`${dependency}_count`) || !mongoKeep(series)) continue;
    const command = label(series, 'operation')!;
    byCommand[command] = (byCommand[command] ?? 0) + total(before, after, '_count', dependency, (s) => s === series);
    const sums = `${dependency}_sum${series.slice(`${dependency}_count`.length)}`;
    msByCommand[command] = (msByCommand[command] ?? 0) + total(before, after, '_sum', dependency, (s) => s === sums);
  }
  // Mean ms of one round trip of each command (a group-committed write is one round trip for many reports).
  const meanMs: Record<string, number> = {};
  for (const command of Object.keys(byCommand)) {
    meanMs[command] = byCommand[command] ? round((msByCommand[command] * 1000) / byCommand[command]) : 0;
    byCommand[command] = round(perReport(byCommand[command]));
  }
  const ms = (metric: string, keep: (s: string) => boolean) =>
    perReport(total(before, after, '_sum', metric, keep)) * 1000;
  const handler = ms('report_worker_request_duration_seconds', () => true);
  const mongo = ms(dependency, mongoKeep);
  const redis = ms(dependency, (s) => label(s, 'dependency') === 'redis');
  const rabbitmq = ms(dependency, (s) => label(s, 'dependency') === 'rabbitmq');
  const writer = ms('report_worker_llm_duration_seconds', () => true);
  return {
    reports,
    mongo_round_trips_per_report: round(perReport(total(before, after, '_count', dependency, mongoKeep))),
    mongo_round_trips_by_command: byCommand,
    mongo_ms_per_round_trip_by_command: meanMs,
    handler_ms_per_report: round(handler),
    mongo_ms_per_report: round(mongo),
    redis_ms_per_report: round(redis),
    rabbitmq_publish_ms_per_report: round(rabbitmq),
    writer_ms_per_report: round(writer),
    worker_own_ms_per_report: round(Math.max(0, handler - mongo - redis - rabbitmq - writer)),
  };
}

/** The machine is shared: every figure is stored with the load average it was taken under. */
export function loadAverage(): number[] {
  return loadavg().map((value) => round(value));
}
