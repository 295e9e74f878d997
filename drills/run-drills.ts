/**
 * `npm run drills [-- <name>...]` (through drills/run.sh, which starts the drills' own stack):
 * runs the fault drills one after another, prints the table, writes drills/results/latest.json
 * and rewrites the table section of docs/drills.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { brokerRestartDrill } from './broker-restart.drill';
import { cacheOutageDrill } from './cache-outage.drill';
import { clusterNodeKillDrill } from './cluster-node-kill.drill';
import { doorsDrill } from './doors.drill';
import { hostileInputDrill } from './hostile-input.drill';
import { llm401Drill } from './llm-401.drill';
import { memoryAlarmDrill } from './memory-alarm.drill';
import { requestIdBytesDrill } from './request-id-bytes.drill';
import { sinkQueueDeletedDrill } from './sink-queue-deleted.drill';
import { storeOutageLongDrill } from './store-outage-long.drill';
import { storeOutageDrill } from './store-outage.drill';
import { writeDrillsDoc } from './support/drills-doc.writer';
import { spawnedCount, spawnedSince } from './support/app.process';
import { Drill, DrillResult, passed, withProcessFindings } from './support/drill-result';
import { ROOT } from './support/stack.env';
import { toxicFaultsDrill } from './toxic-faults.drill';
import { workerKilledDrill } from './worker-killed.drill';

// doors runs last: it scans the logs every other drill captured for patient values.
const DRILLS: Drill[] = [
  workerKilledDrill,
  brokerRestartDrill,
  storeOutageDrill,
  cacheOutageDrill,
  hostileInputDrill,
  requestIdBytesDrill,
  sinkQueueDeletedDrill,
  memoryAlarmDrill,
  toxicFaultsDrill,
  llm401Drill,
  clusterNodeKillDrill,
  storeOutageLongDrill,
  doorsDrill,
];

/**
 * `--quick`: the drills that each take a minute or two, for CI after the tests (under 10 minutes in
 * all): a broker restart, a cache outage, the byte-bounded ids, a deleted sink queue, a memory
 * alarm and the doors. The full run adds the long loads and outages.
 */
const QUICK = new Set([
  'broker-restart',
  'cache-outage',
  'request-id-bytes',
  'sink-queue-deleted',
  'memory-alarm',
  'doors',
]);

const COLUMNS = [
  'drill',
  'load',
  'fault',
  'sent',
  'confirmed',
  'stored',
  'duplicates',
  'lost',
  'dead-lettered',
  'recovery time',
  'result',
];

/** A figure as the table shows it: `-` for one that was not measured (a failure, see withProcessFindings). */
const figure = (n: number) => (Number.isFinite(n) ? String(n) : '-');

/** The load cell ends with the settings the drill's apps ran with, so no override goes unstated. */
const loadWithSettings = (r: DrillResult) =>
  `${r.load}; settings: ${r.overrides?.length ? `overridden ${r.overrides.join(', ')}` : 'shipped defaults'}`;

export function tableOf(results: DrillResult[]): string {
  const rows = results.map((r) => [
    r.drill,
    loadWithSettings(r),
    r.fault,
    figure(r.sent),
    figure(r.confirmed),
    figure(r.stored),
    figure(r.duplicates),
    figure(r.lost),
    figure(r.deadLettered),
    r.recovery,
    passed(r)
      ? 'pass'
      : `FAIL: ${Object.entries(r.checks)
          .filter(([, ok]) => !ok)
          .map(([name]) => name)
          .join('; ')}`,
  ]);
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '/')).join(' | ')} |`;
  return [line(COLUMNS), `|${COLUMNS.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const wanted = args.filter((arg) => arg !== '--quick');
  const unknown = wanted.filter((name) => !DRILLS.some((d) => d.name === name));
  if (unknown.length) {
    process.stderr.write(
      `unknown drill(s): ${unknown.join(', ')}; known: ${DRILLS.map((d) => d.name).join(', ')}; or --quick\n`,
    );
    process.exit(64);
  }
  const selected = DRILLS.filter((d) => (wanted.length ? wanted.includes(d.name) : !quick || QUICK.has(d.name)));
  const startedAt = new Date();
  const loadBefore = loadavg()[0];
  const results: DrillResult[] = [];
  for (const drill of selected) {
    process.stdout.write(`== drill: ${drill.name}\n`);
    const mark = spawnedCount();
    let result: DrillResult;
    try {
      result = await drill.run();
    } catch (error) {
      // A drill that could not finish is reported as such, never as a result: no figure is shown.
      process.stdout.write(`ERROR: ${(error as Error).stack}\n`);
      result = {
        drill: drill.name,
        load: '-',
        fault: '-',
        sent: NaN,
        confirmed: NaN,
        stored: NaN,
        duplicates: NaN,
        lost: NaN,
        deadLettered: NaN,
        recovery: '-',
        checks: { 'drill completed': false },
        notes: [`aborted: ${(error as Error).message}`],
        seconds: 0,
      };
    }
    result = withProcessFindings(result, spawnedSince(mark));
    results.push(result);
    const failures = Object.entries(result.checks)
      .filter(([, ok]) => !ok)
      .map(([name]) => name);
    process.stdout.write(
      `${failures.length ? `FAIL (${failures.join('; ')})` : 'pass'} in ${result.seconds.toFixed(0)} s; ${result.notes.join('; ')}\n`,
    );
  }
  const machine = {
    cpus: cpus().length,
    load_average_before: loadBefore,
    load_average_after: loadavg()[0],
    node: process.version,
  };
  const summary = {
    started_at: startedAt.toISOString(),
    duration_seconds: (Date.now() - startedAt.getTime()) / 1000,
    machine,
    results,
  };
  const table = tableOf(results);
  process.stdout.write(`\n${table}\n\n`);
  writeFileSync(join(ROOT, 'drills/results/latest.json'), `${JSON.stringify(summary, null, 2)}\n`);
  // A partial run (some drills only) does not replace the full table in the docs.
  if (!wanted.length || process.env.DRILLS_WRITE_DOC === '1')
    writeDrillsDoc(join(ROOT, 'docs/drills.md'), table, summary);
  process.exit(results.every(passed) ? 0 : 1);
}

if (require.main === module) void main();
