import { waitFor } from '@app/testing';
import { httpStatus } from './support/app.process';
import { Drill, DrillResult, ReadinessLog } from './support/drill-result';
import { EventHarness } from './support/event.harness';
import { pacedPost } from './support/event-load.generator';
import { rabbitmqctl } from './support/rabbitmqctl';
import { ReportHarness } from './support/report.harness';
import { sleep } from './support/stack.env';

const REPORTS = Number(process.env.DRILL_ALARM_REPORTS ?? 1500);
const RATE = Number(process.env.DRILL_ALARM_EVENT_RATE ?? 200);
const ALARM_MS = Number(process.env.DRILL_ALARM_SECONDS ?? 20) * 1000;
/** The broker tells a publishing connection it is blocked a moment after rabbitmqctl returns; 202s in this margin are judged by the graph only. */
const BLOCK_MARGIN_MS = 2000;
const ALARM_TEXT = 'blocks publishing';

/**
 * A broker memory alarm (watermark set to almost nothing, restored to 0.4) for 20 s under report
 * and event load. The broker blocks every publishing connection: POST /events answers 503 (never
 * 202 for an event it could not store), both apps' readiness says 503 naming the alarm, and the
 * report worker keeps its deliveries in hand until it can publish their responses again.
 */
export const memoryAlarmDrill: Drill = {
  name: 'memory-alarm',
  async run(): Promise<DrillResult> {
    const started = Date.now();
    const reports = await new ReportHarness('memalarm').open(200);
    const events = await new EventHarness('memalarm').start();
    let alarmCleared!: () => void;
    const cleared = new Promise<void>((resolve) => (alarmCleared = resolve));
    try {
      const worker = await reports.addWorker();
      await reports.waitReady(worker);
      const workerReady = new ReadinessLog(worker.healthUrl!, httpStatus).start();
      const apiReady = new ReadinessLog(events.api.healthUrl!, httpStatus).start();
      await reports.publish(REPORTS);
      const sentAt: number[] = [];
      const loadStart = Date.now();
      const load = pacedPost({
        url: `${events.apiUrl}/events`,
        rate: RATE,
        seconds: 10,
        extendUntil: cleared,
        tailSeconds: 15,
        body: (i) => {
          sentAt[i] = Date.now();
          return events.event(i);
        },
      });
      await sleep(5000);
      const answeredBefore = reports.answered();
      const alarmAt = Date.now();
      await rabbitmqctl('set_vm_memory_high_watermark', '0.000001');
      const alarmSetAt = Date.now();
      await sleep(ALARM_MS);
      const answeredDuring = reports.answered() - answeredBefore;
      const clearAt = Date.now();
      await rabbitmqctl('set_vm_memory_high_watermark', '0.4');
      const clearedAt = Date.now();
      alarmCleared();
      const outcome = await load;
      await waitFor(() => reports.answered() === REPORTS, {
        timeoutMs: 600_000,
        intervalMs: 250,
        description: 'every report request answered',
      }).catch(() => undefined);
      await sleep(2000);
      workerReady.stop();
      apiReady.stop();

      const idOf = (i: number) => events.event(i).event_id;
      const statusOf = (i: number) => outcome.statuses.get(idOf(i));
      const indexes = [...Array(outcome.sent).keys()].filter((i) => sentAt[i] !== undefined);
      const accepted = indexes.filter((i) => statusOf(i) === 202);
      const during = indexes.filter((i) => sentAt[i] >= alarmSetAt + BLOCK_MARGIN_MS && sentAt[i] < clearAt);
      const acceptedDuring = during.filter((i) => statusOf(i) === 202).length;
      const refusedDuring = during.filter((i) => statusOf(i) === 503).length;
      const other = [...outcome.statuses.values()].filter((s) => s !== 202 && s !== 503).length;
      let previous = -1;
      await waitFor(
        async () => {
          const { receipts } = await events.graph();
          const done = accepted.every((i) => receipts.has(idOf(i))) || receipts.size === previous;
          previous = receipts.size;
          return done;
        },
        { timeoutMs: 180_000, intervalMs: 3000, description: 'accepted events in Neo4j' },
      );
      const { receipts, interactions } = await events.graph();
      const eventsLost = accepted.filter((i) => !receipts.has(idOf(i))).length;
      const eventsDlq = await events.deadLettered();
      const count = await reports.count();
      const repeated = reports.sentIds.filter((id) => (reports.responses.get(id)?.length ?? 0) > 1);
      const answeredTwice = repeated.length;
      const repeatedDetail = repeated
        .map(
          (id) =>
            `${id}: ${reports.responses
              .get(id)!
              .map(
                (r) =>
                  `${r.status}/${String(r.report_id).slice(0, 8)}${r.reused_by ? `/reused_by ${r.reused_by}` : ''}`,
              )
              .join(' + ')}`,
        )
        .join('; ');
      const readyAgain = workerReady.recoveryMs(alarmAt, clearedAt);
      const apiReadyAgain = apiReady.recoveryMs(alarmAt, clearedAt);
      const timeline = (log: ReadinessLog) =>
        log.transitions.map((t) => `${t.status}@${((t.at - alarmAt) / 1000).toFixed(1)}s`).join(' → ');
      const downBody = (log: ReadinessLog) =>
        log.transitions.find((t) => t.at >= alarmAt && t.status !== 200)?.body.slice(0, 160) ?? 'none';
      return {
        drill: 'memory-alarm',
        load: `${REPORTS} report requests (1 worker, fake LLM 200 ms); ${RATE} events/s into POST /events, 1 Neo4j worker`,
        fault: `broker memory alarm ${ALARM_MS / 1000} s (vm_memory_high_watermark 0.000001, then 0.4) at ${((alarmAt - loadStart) / 1000).toFixed(0)} s of event load`,
        sent: reports.published.sent + outcome.sent,
        confirmed: reports.published.confirmed + accepted.length,
        stored: count.stored + receipts.size,
        duplicates: count.storedTwice + (interactions - receipts.size),
        lost: REPORTS - count.succeeded + eventsLost,
        deadLettered: count.dlq + eventsDlq,
        recovery: `worker ready ${readyAgain !== undefined ? `${(readyAgain / 1000).toFixed(1)} s` : 'never'}, API ready ${apiReadyAgain !== undefined ? `${(apiReadyAgain / 1000).toFixed(1)} s` : 'never'} after the alarm cleared`,
        checks: {
          'every report request confirmed by the broker': reports.published.confirmed === REPORTS,
          'POST /events answers 503 during the alarm, no 202': refusedDuring > 0 && acceptedDuring === 0,
          'every 202 is in Neo4j, once': eventsLost === 0 && interactions === receipts.size,
          'only 202 or 503 answered': other === 0,
          'worker readiness 503 naming the alarm': workerReady.sawDown(ALARM_TEXT, alarmAt, clearAt),
          'API readiness 503 naming the alarm': apiReady.sawDown(ALARM_TEXT, alarmAt, clearAt),
          'both ready again after': readyAgain !== undefined && apiReadyAgain !== undefined,
          'every report request answered exactly once, success, stored once':
            count.succeeded === REPORTS && answeredTwice === 0 && count.stored === REPORTS && count.storedTwice === 0,
          'nothing dead-lettered': count.dlq === 0 && eventsDlq === 0,
        },
        notes: [
          `reports: ${answeredDuring} answered during the alarm, ${answeredTwice} answered more than once, ${count.extraResponses} extra responses${repeatedDetail ? ` (${repeatedDetail})` : ''}`,
          `alarm set ${((alarmSetAt - alarmAt) / 1000).toFixed(1)} s after rabbitmqctl was called; cleared ${((clearedAt - clearAt) / 1000).toFixed(1)} s after`,
          `events: ${during.length} sent during the alarm (after a ${BLOCK_MARGIN_MS / 1000} s margin): ${refusedDuring} × 503, ${acceptedDuring} × 202; ${accepted.length} × 202 in all, ${eventsLost} not in Neo4j; ${other} other answers, ${outcome.skipped} not sent`,
          `worker readiness: ${timeline(workerReady)} (${downBody(workerReady)}); API readiness: ${timeline(apiReady)} (${downBody(apiReady)})`,
        ],
        seconds: (Date.now() - started) / 1000,
      };
    } finally {
      alarmCleared(); // ends the event load's extension if the drill stopped during the alarm
      await rabbitmqctl('set_vm_memory_high_watermark', '0.4').catch(() => undefined);
      await events.close();
      await reports.close();
    }
  },
};
