import { waitFor } from '@app/testing';
import { httpStatus } from './support/app.process';
import { Drill, DrillResult, ReadinessLog } from './support/drill-result';
import { EventHarness } from './support/event.harness';
import { pacedPost } from './support/event-load.generator';
import { ReportHarness } from './support/report.harness';
import { service, ServiceName, sleep } from './support/stack.env';

const OUTAGE_MS = Number(process.env.DRILL_OUTAGE_SECONDS ?? 30) * 1000;
const REPORTS = Number(process.env.DRILL_STORE_REPORTS ?? 600);
const EVENT_RATE = 500;

/** Stops `name` for `ms`; resolves with [stopped at, answering again at]. */
async function outage(name: ServiceName, ms = OUTAGE_MS): Promise<[number, number]> {
  const downAt = Date.now();
  await service('stop', name);
  await sleep(ms);
  await service('start', name);
  return [downAt, Date.now()];
}

const seconds = (ms: number | undefined) =>
  ms === undefined ? 'never (readiness did not return)' : `${(ms / 1000).toFixed(1)} s`;

function timeline(readiness: ReadinessLog, from: number): string {
  return readiness.transitions.map((t) => `${t.status}@${((t.at - from) / 1000).toFixed(1)}s`).join(' → ');
}

/**
 * FerretDB down for `outageMs` during the load of `reports` requests: everything is answered after
 * it returns, without spending attempts, and readiness shows the outage.
 */
export async function mongoOutage(
  notes: string[],
  checks: Record<string, boolean>,
  outageMs = OUTAGE_MS,
  reports = REPORTS,
  /** Names its queues, database and log files: a drill running beside this one uses its own. */
  name = 'store',
) {
  const harness = await new ReportHarness(name).open(200);
  try {
    const worker = await harness.addWorker();
    await harness.waitReady(worker);
    const readiness = new ReadinessLog(worker.healthUrl!, httpStatus).start();
    await harness.publish(reports);
    await waitFor(() => harness.answered() >= reports * 0.15, { timeoutMs: 300_000, intervalMs: 100 });
    const [downAt, upAt] = await outage('mongo', outageMs);
    await waitFor(() => harness.answered() === reports, {
      timeoutMs: 600_000,
      intervalMs: 250,
      description: 'every report request answered',
    });
    // Ready again as the watcher itself saw it: stopping it on a probe of our own could leave the 200 unrecorded.
    await waitFor(() => readiness.transitions.at(-1)?.status === 200, {
      timeoutMs: 60_000,
      intervalMs: 250,
    }).catch(() => undefined);
    readiness.stop();
    const count = await harness.count();
    const failed = harness.sentIds.filter(
      (id) => !(harness.responses.get(id) ?? []).some((r) => r.status === 'success'),
    );
    notes.push(
      `FerretDB: readiness ${timeline(readiness, downAt)}; ${failed.length} requests failed after their retries ran out`,
    );
    const recoveryMs = readiness.recoveryMs(downAt, upAt);
    const { sent, confirmed } = harness.published;
    checks['mongo: every request confirmed by the broker'] = confirmed === reports;
    checks['mongo: readiness 503 naming mongodb during the outage'] = readiness.sawDown('mongodb', downAt, upAt);
    checks['mongo: readiness 200 again after'] = recoveryMs !== undefined;
    checks['mongo: every request answered success, stored once'] =
      count.succeeded === reports && count.stored === reports && count.storedTwice === 0;
    checks['mongo: nothing dead-lettered'] = count.dlq === 0;
    return {
      sent,
      confirmed,
      stored: count.stored,
      duplicates: count.storedTwice,
      lost: sent - count.succeeded,
      dlq: count.dlq,
      recoveryMs,
    };
  } finally {
    await service('start', 'mongo').catch(() => undefined);
    await harness.close();
  }
}

/** Neo4j down during event load (the processor runs in the API process, so readiness covers it). */
async function neo4jOutage(notes: string[], checks: Record<string, boolean>) {
  const harness = await new EventHarness('store').start({ worker: false, apiEnv: { EVENT_PROCESSORS: 'neo4j' } });
  try {
    const readiness = new ReadinessLog(harness.api.healthUrl!, httpStatus).start();
    let outageDone!: (times: [number, number]) => void;
    const done = new Promise<[number, number]>((resolve) => (outageDone = resolve));
    const load = pacedPost({
      url: `${harness.apiUrl}/events`,
      rate: EVENT_RATE,
      seconds: 10,
      body: (i) => harness.event(i),
      extendUntil: done,
      tailSeconds: 10,
    });
    await sleep(5000);
    outageDone(await outage('neo4j'));
    const [downAt, upAt] = await done;
    const outcome = await load;
    const accepted = [...outcome.statuses].filter(([, s]) => s === 202).map(([id]) => id);
    await waitFor(
      async () => {
        const { receipts } = await harness.graph();
        return accepted.every((id) => receipts.has(id));
      },
      { timeoutMs: 180_000, intervalMs: 2000, description: 'accepted events in Neo4j' },
    ).catch(() => undefined);
    readiness.stop();
    const { receipts, interactions } = await harness.graph();
    const lost = accepted.filter((id) => !receipts.has(id)).length;
    const dlq = await harness.deadLettered();
    notes.push(
      `Neo4j: ${outcome.sent} events at ${EVENT_RATE}/s, ${accepted.length} × 202 (the API keeps accepting: events wait in the queue); readiness ${timeline(readiness, downAt)}`,
    );
    const recoveryMs = readiness.recoveryMs(downAt, upAt);
    checks['neo4j: readiness 503 naming neo4j during the outage'] = readiness.sawDown('neo4j', downAt, upAt);
    checks['neo4j: readiness 200 again after'] = recoveryMs !== undefined;
    checks['neo4j: every 202 in the graph once'] = lost === 0 && interactions === receipts.size;
    checks['neo4j: nothing dead-lettered'] = dlq === 0;
    return {
      sent: outcome.sent,
      confirmed: accepted.length,
      stored: receipts.size,
      duplicates: interactions - receipts.size,
      lost,
      dlq,
      recoveryMs,
    };
  } finally {
    await service('start', 'neo4j').catch(() => undefined);
    await harness.close();
  }
}

/**
 * `store-outage`: the stores go away. FerretDB (the MongoDB-wire server) for 30 s during report load,
 * then Neo4j for 30 s during event load. Everything lands after recovery, readiness reports the
 * outage while it lasts, and nothing is dead-lettered unless its retries ran out.
 */
export const storeOutageDrill: Drill = {
  name: 'store-outage',
  async run(): Promise<DrillResult> {
    const started = Date.now();
    const notes: string[] = [];
    const checks: Record<string, boolean> = {};
    const mongo = await mongoOutage(notes, checks);
    const neo = await neo4jOutage(notes, checks);
    return {
      drill: 'store-outage',
      load: `${REPORTS} report requests (1 worker, LLM 200 ms); events at ${EVENT_RATE}/s`,
      fault: `FerretDB stopped ${OUTAGE_MS / 1000} s; Neo4j stopped ${OUTAGE_MS / 1000} s`,
      sent: mongo.sent + neo.sent,
      confirmed: mongo.confirmed + neo.confirmed,
      stored: mongo.stored + neo.stored,
      duplicates: mongo.duplicates + neo.duplicates,
      lost: mongo.lost + neo.lost,
      deadLettered: mongo.dlq + neo.dlq,
      recovery: `ready again ${seconds(mongo.recoveryMs)} after FerretDB, ${seconds(neo.recoveryMs)} after Neo4j answered`,
      checks,
      notes,
      seconds: (Date.now() - started) / 1000,
    };
  },
};
