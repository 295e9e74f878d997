import { waitFor } from '@app/testing';
import { AppProcess, httpStatus } from './support/app.process';
import { Drill, DrillResult, ReadinessLog } from './support/drill-result';
import { pacedPost, PacedOutcome } from './support/event-load.generator';
import { sleep } from './support/stack.env';
import { ProxiedService, Toxic } from './support/toxiproxy.client';
import { ProxiedEventHarness, ProxiedReportHarness, ProxiedStack } from './support/toxiproxy.harness';

const FAULT_MS = Number(process.env.DRILL_TOXIC_SECONDS ?? 15) * 1000;
const REPORTS_PER_SECOND = 10;
const EVENT_RATE = 100;
const RECOVERY_TIMEOUT_MS = 90_000;
const LEAD_IN_MS = 5000;
const LOAD_TAIL_S = 5;

interface Fault {
  label: string;
  service: ProxiedService;
  toxics: Toxic[];
}

const both = (type: Toxic['type'], attributes: Record<string, number>): Toxic[] => [
  { type, stream: 'upstream', attributes },
  { type, stream: 'downstream', attributes },
];
const latency: Toxic[] = [{ type: 'latency', stream: 'downstream', attributes: { latency: 500, jitter: 0 } }];
/** timeout 0: the connection stays open and nothing gets through, either way, until the toxic goes. */
const blackhole = both('timeout', { timeout: 0 });
/** reset_peer 0: every connection, new ones included, is reset (TCP RST) as soon as it carries data. */
const reset: Toxic[] = [{ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } }];

/** The broker carries both pipelines, FerretDB the report ledger: they get every kind of fault. */
const FAULTS: Fault[] = [
  { label: 'RabbitMQ latency 500 ms', service: 'rabbitmq', toxics: latency },
  { label: 'RabbitMQ bandwidth 16 KB/s', service: 'rabbitmq', toxics: both('bandwidth', { rate: 16 }) },
  { label: 'RabbitMQ blackhole', service: 'rabbitmq', toxics: blackhole },
  { label: 'RabbitMQ reset_peer', service: 'rabbitmq', toxics: reset },
  { label: 'FerretDB latency 500 ms', service: 'mongo', toxics: latency },
  { label: 'FerretDB blackhole', service: 'mongo', toxics: blackhole },
  { label: 'FerretDB reset_peer', service: 'mongo', toxics: reset },
  { label: 'Redis latency 500 ms', service: 'redis', toxics: latency },
  { label: 'Neo4j latency 500 ms', service: 'neo4j', toxics: latency },
  { label: 'Neo4j reset_peer', service: 'neo4j', toxics: reset },
];

/** The event load's schedule: the lead-in, every fault plus a few seconds for its recovery, the tail. */
const LOAD_SECONDS = (LEAD_IN_MS + FAULTS.length * (FAULT_MS + 3000)) / 1000 + LOAD_TAIL_S;

interface FaultRun {
  fault: Fault;
  appliedAt: number;
  removedAt: number;
  /** ms from the toxic's removal until every app's readiness said 200 / a report was answered again; undefined: not within the bound. */
  readyMs?: number;
  flowingMs?: number;
  answeredDuring: number;
}

const secs = (ms: number | undefined) => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);

async function allReady(apps: AppProcess[]): Promise<boolean> {
  const statuses = await Promise.all(apps.map((app) => httpStatus(app.healthUrl!)));
  return statuses.every((s) => s.status === 200);
}

/** Applies one fault for FAULT_MS under the running load, removes it and waits for recovery. */
async function runFault(
  fault: Fault,
  proxied: ProxiedStack,
  reports: ProxiedReportHarness,
  apps: AppProcess[],
): Promise<FaultRun> {
  const answeredBefore = reports.answered();
  const appliedAt = Date.now();
  for (const toxic of fault.toxics) await proxied.toxiproxy.add(fault.service, toxic);
  await sleep(FAULT_MS);
  await proxied.toxiproxy.clear(fault.service);
  const removedAt = Date.now();
  const answeredDuring = reports.answered() - answeredBefore;
  const answeredAtRemoval = reports.answered();
  const pending = reports.sentIds.length > answeredAtRemoval;
  const ready = await waitFor(() => allReady(apps), { timeoutMs: RECOVERY_TIMEOUT_MS, intervalMs: 250 }).then(
    () => Date.now() - removedAt,
    () => undefined,
  );
  const flowing = await waitFor(() => !pending || reports.answered() > answeredAtRemoval, {
    timeoutMs: RECOVERY_TIMEOUT_MS,
    intervalMs: 100,
  }).then(
    () => Date.now() - removedAt,
    () => undefined,
  );
  return { fault, appliedAt, removedAt, readyMs: ready, flowingMs: flowing, answeredDuring };
}

/** What the event API answered while a fault lasted (status × count). */
function answersDuring(outcome: PacedOutcome, from: number, to: number): string {
  const counts = new Map<number, number>();
  for (const [at, status] of outcome.timeline)
    if (at >= from && at <= to) counts.set(status, (counts.get(status) ?? 0) + 1);
  return (
    [...counts]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status}×${n}`)
      .join(' ') || 'none'
  );
}

/** ms from `from` to the API's first 202 answered after it; undefined: none. */
function first202After(outcome: PacedOutcome, from: number): number | undefined {
  const at = outcome.timeline
    .filter(([t, status]) => status === 202 && t >= from)
    .reduce((a, [t]) => Math.min(a, t), Infinity);
  return Number.isFinite(at) ? at - from : undefined;
}

/** The event API's answers over the drill, per 10 s from `from`: `t:202s/others`. */
function answersPer10s(outcome: PacedOutcome, from: number): string {
  const buckets = new Map<number, [number, number]>();
  for (const [at, status] of outcome.timeline) {
    const bucket = Math.floor((at - from) / 10_000) * 10;
    const counts = buckets.get(bucket) ?? [0, 0];
    counts[status === 202 ? 0 : 1] += 1;
    buckets.set(bucket, counts);
  }
  return [...buckets]
    .sort(([a], [b]) => a - b)
    .map(([t, [ok, other]]) => `${t}s:${ok}/${other}`)
    .join(' ');
}

/**
 * Drill: network faults between the apps and their services, through Toxiproxy. Under a steady
 * load of report requests and events, one fault at a time for FAULT_MS (latency, a blackhole that
 * keeps connections open, a bandwidth limit, connection resets) on the proxy of RabbitMQ, FerretDB,
 * Redis or Neo4j; after each, every app is ready again and reports flow. At the end everything
 * requested is answered and stored exactly once, every accepted event is in the graph once, and
 * nothing was dead-lettered.
 */
export const toxicFaultsDrill: Drill = {
  name: 'toxic-faults',
  async run(): Promise<DrillResult> {
    const started = Date.now();
    const notes: string[] = [];
    const checks: Record<string, boolean> = {};
    const proxied = await new ProxiedStack(`drill-toxic-${Date.now().toString(36)}`).open();
    const reports = new ProxiedReportHarness('toxic', proxied);
    const events = new ProxiedEventHarness('toxic', proxied);
    try {
      await reports.open(200);
      const worker = await reports.addWorker();
      await reports.waitReady(worker);
      await events.startWithWorkerHealth();
      const apps = [worker, events.api, events.worker!];
      const readiness = apps.map((app) => new ReadinessLog(app.healthUrl!, httpStatus).start());

      let publishing = true;
      const publisher = (async () => {
        while (publishing) {
          const tick = Date.now();
          await reports.publish(REPORTS_PER_SECOND);
          await sleep(Math.max(0, 1000 - (Date.now() - tick)));
        }
      })();
      let faultsDone!: () => void;
      const done = new Promise<void>((resolve) => (faultsDone = resolve));
      // The generator sends at EVENT_RATE until the faults are done, then LOAD_TAIL_S more; `seconds`
      // covers every fault with room for its recovery, so it ends then at the earliest.
      const load = pacedPost({
        url: `${events.apiUrl}/events`,
        rate: EVENT_RATE,
        seconds: LOAD_SECONDS,
        body: (i) => events.event(i),
        extendUntil: done,
        tailSeconds: LOAD_TAIL_S,
      });
      await sleep(LEAD_IN_MS);
      const runs: FaultRun[] = [];
      for (const fault of FAULTS) {
        process.stdout.write(`   ${fault.label} (${FAULT_MS / 1000} s)\n`);
        runs.push(await runFault(fault, proxied, reports, apps));
      }
      faultsDone();
      const outcome = await load;
      publishing = false;
      await publisher;
      readiness.forEach((r) => r.stop());

      const sentReports = reports.sentIds.length;
      await waitFor(() => reports.answered() === sentReports, { timeoutMs: 180_000, intervalMs: 250 }).catch(
        () => undefined,
      );
      const accepted = [...outcome.statuses].filter(([, s]) => s === 202).map(([id]) => id);
      await waitFor(
        async () => {
          const { receipts } = await events.graph();
          return accepted.every((id) => receipts.has(id));
        },
        { timeoutMs: 180_000, intervalMs: 2000 },
      ).catch(() => undefined);

      const count = await reports.count();
      const { receipts, interactions } = await events.graph();
      const eventsLost = accepted.filter((id) => !receipts.has(id)).length;
      const eventsDlq = await events.deadLettered();
      const notAccepted = [...outcome.statuses].filter(([, s]) => s !== 202).map(([id]) => id);
      const notAcceptedInGraph = notAccepted.filter((id) => receipts.has(id)).length;
      const reportIdsAgree = [...reports.responses.values()].every(
        (list) => new Set(list.map((r) => r.report_id)).size === 1,
      );
      const { sent, confirmed } = reports.published;

      for (const run of runs) {
        notes.push(
          `${run.fault.label}: ${run.answeredDuring} reports answered during it; events ${answersDuring(outcome, run.appliedAt, run.removedAt)}; ready ${secs(run.readyMs)} / reports flowing ${secs(run.flowingMs)} / a 202 ${secs(first202After(outcome, run.removedAt))} after removal`,
        );
      }
      notes.push(
        `reports: ${sent} sent, ${count.answered} answered (${count.succeeded} success, ${reports.failedResponses()} failed), ${count.extraResponses} repeated responses (same report_id: ${reportIdsAgree}), DLQ ${count.dlq}`,
      );
      notes.push(
        `events: ${outcome.sent} sent at ${EVENT_RATE}/s (${outcome.skipped} not sent), ${accepted.length} × 202, ${notAccepted.length} other answers (${notAcceptedInGraph} of them reached the graph anyway), DLQ ${eventsDlq}`,
      );
      notes.push(`event answers per 10 s of the drill (202/other): ${answersPer10s(outcome, started)}`);
      notes.push(
        `faults at: ${runs.map((r) => `${((r.appliedAt - started) / 1000).toFixed(0)}–${((r.removedAt - started) / 1000).toFixed(0)} s`).join(', ')}`,
      );
      notes.push(
        `readiness: ${readiness.map((r, i) => `${apps[i].name} ${r.transitions.map((t) => `${t.status}@${((t.at - started) / 1000).toFixed(0)}s`).join('→')}`).join('; ')}`,
      );

      const slowestReady = Math.max(...runs.map((r) => r.readyMs ?? Infinity));
      const slowestFlowing = Math.max(...runs.map((r) => r.flowingMs ?? Infinity));
      const slowestOf = (pick: (r: FaultRun) => number | undefined) =>
        runs.reduce((a, b) => ((pick(b) ?? Infinity) > (pick(a) ?? Infinity) ? b : a)).fault.label;
      checks['every report request confirmed by the broker'] = confirmed === sent;
      checks['every report request answered success, stored once'] =
        count.succeeded === sentReports && count.stored === sentReports && count.storedTwice === 0;
      checks['repeated responses carry the same report_id'] = reportIdsAgree;
      checks['every 202 event in the graph once'] = eventsLost === 0 && interactions === receipts.size;
      checks['nothing dead-lettered'] = count.dlq === 0 && eventsDlq === 0;
      for (const run of runs) {
        if (run.readyMs === undefined) checks[`ready again after ${run.fault.label}`] = false;
        if (run.flowingMs === undefined) checks[`reports flowing again after ${run.fault.label}`] = false;
      }
      checks['events accepted (202) again after every fault'] = runs.every(
        (r) => first202After(outcome, r.removedAt) !== undefined,
      );
      checks['every app ready and reports flowing after every fault'] = runs.every(
        (r) => r.readyMs !== undefined && r.flowingMs !== undefined,
      );
      return {
        drill: 'toxic-faults',
        load: `${REPORTS_PER_SECOND} report requests/s (1 worker, fake LLM 200 ms) and ${EVENT_RATE} events/s (1 Neo4j worker) throughout, every app through Toxiproxy`,
        fault: `${FAULTS.map((f) => f.label).join(', ')}; ${FAULT_MS / 1000} s each, one at a time`,
        sent: sent + outcome.sent,
        confirmed: confirmed + accepted.length,
        stored: count.stored + receipts.size,
        duplicates: count.storedTwice + (interactions - receipts.size),
        lost: sent - count.succeeded + eventsLost,
        deadLettered: count.dlq + eventsDlq,
        recovery: `ready ≤ ${secs(Number.isFinite(slowestReady) ? slowestReady : undefined)} (${slowestOf((r) => r.readyMs)}), reports flowing ≤ ${secs(Number.isFinite(slowestFlowing) ? slowestFlowing : undefined)} (${slowestOf((r) => r.flowingMs)}) after a toxic's removal`,
        checks,
        notes,
        seconds: (Date.now() - started) / 1000,
      };
    } finally {
      await events.close().catch(() => undefined);
      await reports.close().catch(() => undefined);
      await proxied.toxiproxy.close();
    }
  },
};
