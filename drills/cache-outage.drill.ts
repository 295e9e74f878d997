import { waitFor } from '@app/testing';
import { execFileSync } from 'node:child_process';
import { httpStatus } from './support/app.process';
import { Drill, DrillResult, ReadinessLog } from './support/drill-result';
import { ReportHarness } from './support/report.harness';
import { service, sleep, stack } from './support/stack.env';

const REQUESTS = Number(process.env.DRILL_CACHE_REPORTS ?? 600);
const AFTER = 50;
const SENT = REQUESTS + AFTER;
const OUTAGE_MS = Number(process.env.DRILL_OUTAGE_SECONDS ?? 30) * 1000;

/** How many of `keys` exist in the drills' Redis (the cache may prefix keys: matched by suffix). */
function cachedReports(reportIds: string[]): number {
  const port = new URL(stack.redis).port;
  const keys = execFileSync('redis-cli', ['-p', port, '--scan', '--pattern', '*report:*'], { encoding: 'utf8' }).split(
    '\n',
  );
  const present = new Set(keys.map((k) => k.slice(k.indexOf('report:') + 'report:'.length)));
  return reportIds.filter((id) => present.has(id)).length;
}

/**
 * `cache-outage`: Redis stopped during report load. The cache is an optimisation: reports still
 * complete, readiness says so (503 naming redis) while it lasts, and once Redis is back new
 * reports sent once the worker is ready again are cached again.
 */
export const cacheOutageDrill: Drill = {
  name: 'cache-outage',
  async run(): Promise<DrillResult> {
    const started = Date.now();
    const harness = await new ReportHarness('cache').open(200);
    const notes: string[] = [];
    try {
      const worker = await harness.addWorker();
      await harness.waitReady(worker);
      const readiness = new ReadinessLog(worker.healthUrl!, httpStatus).start();
      await harness.publish(REQUESTS);
      await waitFor(() => harness.answered() >= REQUESTS * 0.15, { timeoutMs: 300_000, intervalMs: 100 });
      const downAt = Date.now();
      await service('stop', 'redis');
      const answeredAtStop = harness.answered();
      await sleep(OUTAGE_MS);
      const answeredDuringOutage = harness.answered() - answeredAtStop;
      await service('start', 'redis');
      const upAt = Date.now();
      // Requests sent once the worker is ready again (its Redis client back) must be cached again.
      await waitFor(async () => (await httpStatus(worker.healthUrl!)).status === 200, {
        timeoutMs: 30_000,
        intervalMs: 250,
        description: 'the worker ready again',
      });
      const answeredAtReady = new Set(harness.responses.keys());
      await harness.publish(AFTER);
      await waitFor(() => harness.answered() === SENT, {
        timeoutMs: 600_000,
        intervalMs: 250,
        description: 'every request answered',
      });
      await sleep(1000);
      readiness.stop();
      const count = await harness.count();
      const after = [...harness.responses]
        .filter(([id]) => !answeredAtReady.has(id))
        .map(([, list]) => list[0].report_id as string);
      const cachedAfter = cachedReports(after);
      const readyAgain = readiness.recoveryMs(downAt, upAt);
      notes.push(
        `${answeredDuringOutage} reports completed while Redis was down; ${cachedAfter}/${after.length} reports finished after the worker was ready again are cached`,
      );
      notes.push(
        `readiness: ${readiness.transitions.map((t) => `${t.status}@${((t.at - downAt) / 1000).toFixed(1)}s`).join(' → ')}`,
      );
      return {
        drill: 'cache-outage',
        load: `${REQUESTS} + ${AFTER} (once the worker is ready again) report requests, 1 worker, fake LLM 200 ms`,
        fault: `Redis stopped ${OUTAGE_MS / 1000} s`,
        sent: harness.published.sent,
        confirmed: harness.published.confirmed,
        stored: count.stored,
        duplicates: count.storedTwice,
        lost: harness.published.sent - count.succeeded,
        deadLettered: count.dlq,
        recovery:
          readyAgain !== undefined
            ? `ready again ${(readyAgain / 1000).toFixed(1)} s after Redis answered`
            : 'readiness did not return',
        checks: {
          'every request confirmed by the broker': harness.published.confirmed === SENT,
          'reports completed during the outage': answeredDuringOutage > 0,
          'every request answered success, stored once':
            count.succeeded === SENT && count.stored === SENT && count.storedTwice === 0,
          'readiness 503 naming redis during the outage': readiness.sawDown('redis', downAt, upAt),
          'readiness 200 again after': readyAgain !== undefined,
          'cache refills once the worker is ready again': after.length >= AFTER && cachedAfter === after.length,
          'nothing dead-lettered': count.dlq === 0,
        },
        notes,
        seconds: (Date.now() - started) / 1000,
      };
    } finally {
      await service('start', 'redis').catch(() => undefined);
      await harness.close();
    }
  },
};
