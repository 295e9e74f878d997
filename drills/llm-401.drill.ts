import { waitFor } from '@app/testing';
import { httpStatus } from './support/app.process';
import { Drill, DrillResult, ReadinessLog } from './support/drill-result';
import { ReportHarness } from './support/report.harness';
import { sleep } from './support/stack.env';

const REPORTS = Number(process.env.DRILL_LLM_REPORTS ?? 600);
const REFUSAL_MS = Number(process.env.DRILL_LLM_401_SECONDS ?? 60) * 1000;

/**
 * The LLM answers 401 to every call for 60 s under report load (a revoked or rotated key). A
 * refusal of our configuration is not the request's fault: the worker holds its deliveries
 * without spending their attempts, readiness names the LLM, and once the key works again every
 * request is answered success; none failed, none dead-lettered.
 */
export const llm401Drill: Drill = {
  name: 'llm-401',
  async run(): Promise<DrillResult> {
    const started = Date.now();
    const harness = await new ReportHarness('llm401').open(200);
    try {
      const worker = await harness.addWorker();
      await harness.waitReady(worker);
      const readiness = new ReadinessLog(worker.healthUrl!, httpStatus).start();
      await harness.publish(REPORTS);
      await waitFor(() => harness.answered() >= REPORTS * 0.15, { timeoutMs: 300_000, intervalMs: 100 });
      const refusedAt = Date.now();
      const callsBefore = harness.llm.calls;
      harness.llm.failUntilRecovered(401);
      const answeredAtRefusal = harness.answered();
      await sleep(REFUSAL_MS);
      const answeredDuring = harness.answered() - answeredAtRefusal;
      const refusedCalls = harness.llm.calls - callsBefore;
      harness.llm.recover();
      const recoveredAt = Date.now();
      await waitFor(() => harness.answered() === REPORTS, {
        timeoutMs: 600_000,
        intervalMs: 250,
        description: 'every request answered',
      }).catch(() => undefined);
      const allAnsweredAt = Date.now();
      await waitFor(async () => (await httpStatus(worker.healthUrl!)).status === 200, {
        timeoutMs: 30_000,
        intervalMs: 250,
      }).catch(() => undefined);
      await sleep(1000);
      readiness.stop();
      const count = await harness.count();
      const answeredTwice = harness.sentIds.filter((id) => (harness.responses.get(id)?.length ?? 0) > 1).length;
      const readyAgain = readiness.recoveryMs(refusedAt, recoveredAt);
      const downBody =
        readiness.transitions.find((t) => t.at >= refusedAt && t.status !== 200)?.body.slice(0, 200) ?? 'none';
      return {
        drill: 'llm-401',
        load: `${REPORTS} report requests, 1 worker, fake LLM 200 ms`,
        fault: `LLM answers 401 to every call for ${REFUSAL_MS / 1000} s`,
        sent: harness.published.sent,
        confirmed: harness.published.confirmed,
        stored: count.stored,
        duplicates: count.storedTwice,
        lost: REPORTS - count.succeeded,
        deadLettered: count.dlq,
        recovery:
          readyAgain !== undefined
            ? `ready again ${(readyAgain / 1000).toFixed(1)} s after the LLM accepted the key; all answered ${((allAnsweredAt - recoveredAt) / 1000).toFixed(1)} s after`
            : 'readiness did not return',
        checks: {
          'every request confirmed by the broker': harness.published.confirmed === REPORTS,
          'readiness 503 naming the LLM during the refusal': readiness.sawDown('LLM', refusedAt, recoveredAt),
          'readiness 200 again after': readyAgain !== undefined,
          'no request answered failed': harness.failedResponses() === 0,
          'every request answered exactly once, success, stored once':
            count.succeeded === REPORTS && answeredTwice === 0 && count.stored === REPORTS && count.storedTwice === 0,
          'nothing dead-lettered': count.dlq === 0,
        },
        notes: [
          `${answeredDuring} answered during the refusal; ${refusedCalls} LLM calls refused with 401; ${harness.failedResponses()} answered failed, ${answeredTwice} answered more than once`,
          `readiness: ${readiness.transitions.map((t) => `${t.status}@${((t.at - refusedAt) / 1000).toFixed(1)}s`).join(' → ')} (${downBody})`,
        ],
        seconds: (Date.now() - started) / 1000,
      };
    } finally {
      harness.llm.recover();
      await harness.close();
    }
  },
};
