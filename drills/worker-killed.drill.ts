import { waitFor } from '@app/testing';
import { Drill, DrillResult } from './support/drill-result';
import { ReportHarness } from './support/report.harness';
import { sleep } from './support/stack.env';

// DRILL_REPORTS lowers it for a quick look (about 2 min at 5,000 here).
const REQUESTS = Number(process.env.DRILL_REPORTS ?? 5000);
const KILLS = 3;

/**
 * `worker-killed`: report requests in flight, two worker processes, one of them SIGKILLed at random
 * moments three times (restarted each time). Contract: every request answered with success,
 * exactly one stored report per request, nothing in the DLQ. A request whose worker died after it
 * published the response but before the ack is redelivered and answered again from the job ledger
 * (`reused_by: request_id`, same report_id): those extra responses are counted, not hidden.
 */
export const workerKilledDrill: Drill = {
  name: 'worker-killed',
  async run(): Promise<DrillResult> {
    const started = Date.now();
    const harness = await new ReportHarness('killed').open(200);
    const notes: string[] = [];
    try {
      const workers = [await harness.addWorker(), await harness.addWorker()];
      await Promise.all(workers.map((w) => harness.waitReady(w)));
      await harness.publish(REQUESTS);
      const publishedAt = Date.now();
      // Kill at random moments spread over the first ~70 % of the expected work.
      const kills: number[] = [];
      const recoveries: number[] = [];
      for (let k = 0; k < KILLS; k++) {
        const target = Math.floor(((k + Math.random()) / KILLS) * 0.7 * REQUESTS);
        await waitFor(() => harness.answered() >= target, {
          timeoutMs: 600_000,
          intervalMs: 100,
          description: `${target} answers`,
        });
        const victim = workers[Math.floor(Math.random() * workers.length)];
        await victim.stop('SIGKILL');
        kills.push(harness.answered());
        await sleep(Math.random() * 2000);
        const restartAt = Date.now();
        victim.start();
        await harness.waitReady(victim);
        recoveries.push(Date.now() - restartAt);
      }
      await waitFor(() => harness.answered() === REQUESTS, {
        timeoutMs: 900_000,
        intervalMs: 250,
        description: 'every request answered',
      });
      // Let late redeliveries (of the last kill's unacked messages) arrive before counting.
      await waitFor(async () => (await harness.amqp.messageCount(harness.queue)) === 0, {
        timeoutMs: 60_000,
        intervalMs: 250,
      });
      await sleep(2000);
      const count = await harness.count();
      const seconds = (Date.now() - publishedAt) / 1000;
      notes.push(
        `killed after ${kills.join(', ')} answers; ${(REQUESTS / seconds).toFixed(1)} reports/s overall; LLM calls ${harness.llm.calls} for ${REQUESTS} requests`,
      );
      notes.push(
        `${count.extraResponses} extra responses: requests redelivered after a kill between response and ack, answered again from the ledger with the same report_id`,
      );
      const reportIds = new Map<string, Set<string>>();
      for (const [id, list] of harness.responses) reportIds.set(id, new Set(list.map((r) => r.report_id)));
      const conflicting = [...reportIds.values()].filter((ids) => ids.size > 1).length;
      return {
        drill: 'worker-killed',
        load: `${REQUESTS} report requests, 2 workers, fake LLM 200 ms`,
        fault: `SIGKILL one worker ×${KILLS} (restarted)`,
        sent: harness.published.sent,
        confirmed: harness.published.confirmed,
        stored: count.stored,
        duplicates: count.storedTwice,
        lost: harness.published.sent - count.succeeded,
        deadLettered: count.dlq,
        recovery: `killed worker ready again in ${recoveries.map((ms) => (ms / 1000).toFixed(1)).join(' / ')} s; ${count.extraResponses} repeated responses (same report_id)`,
        checks: {
          'every request confirmed by the broker': harness.published.confirmed === REQUESTS,
          'every request answered success': count.succeeded === REQUESTS,
          'one stored report per request': count.stored === REQUESTS && count.storedTwice === 0,
          'repeated responses carry the same report_id': conflicting === 0,
          'nothing dead-lettered': count.dlq === 0,
        },
        notes,
        seconds: (Date.now() - started) / 1000,
      };
    } finally {
      await harness.close();
    }
  },
};
