import { Drill, DrillResult } from './support/drill-result';
import { mongoOutage } from './store-outage.drill';

const OUTAGE_MS = Number(process.env.DRILL_LONG_OUTAGE_SECONDS ?? 600) * 1000;
const REPORTS = 200;

/**
 * MongoDB gone for ten minutes under report load: far past the broker retry budget (1 s + 5 s +
 * 30 s), so the worker must hold its requests instead of spending attempts, answer every one once
 * MongoDB is back, and dead-letter none.
 */
export const storeOutageLongDrill: Drill = {
  name: 'store-outage-long',
  async run(): Promise<DrillResult> {
    const started = Date.now();
    const notes: string[] = [];
    const checks: Record<string, boolean> = {};
    const mongo = await mongoOutage(notes, checks, OUTAGE_MS, REPORTS, 'storelong');
    return {
      drill: 'store-outage-long',
      load: `${REPORTS} report requests (1 worker, LLM 200 ms)`,
      fault: `FerretDB stopped ${OUTAGE_MS / 60_000} min`,
      sent: mongo.sent,
      confirmed: mongo.confirmed,
      stored: mongo.stored,
      duplicates: mongo.duplicates,
      lost: mongo.lost,
      deadLettered: mongo.dlq,
      recovery: `ready again ${mongo.recoveryMs === undefined ? 'never' : `${(mongo.recoveryMs / 1000).toFixed(1)} s`} after FerretDB answered`,
      checks,
      notes,
      seconds: (Date.now() - started) / 1000,
    };
  },
};
