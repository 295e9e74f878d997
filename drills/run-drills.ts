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
import { doorsDrill } from './doors.drill';
import { hostileInputDrill } from './hostile-input.drill';
import { storeOutageDrill } from './store-outage.drill';
import { writeDrillsDoc } from './support/drills-doc.writer';
import { Drill, DrillResult, passed } from './support/drill-result';
import { ROOT } from './support/stack.env';
import { workerKilledDrill } from './worker-killed.drill';

// doors runs last: it scans the logs every other drill captured for patient values.
const DRILLS: Drill[] = [workerKilledDrill, brokerRestartDrill, storeOutageDrill, cacheOutageDrill, hostileInputDrill, doorsDrill];

const COLUMNS = ['drill', 'load', 'fault', 'sent', 'confirmed', 'stored', 'duplicates', 'lost', 'dead-lettered', 'recovery time', 'result'];

export function tableOf(results: DrillResult[]): string {
  const rows = results.map((r) => [
    r.drill,
    r.load,
    r.fault,
    String(r.sent),
    String(r.confirmed),
    String(r.stored),
    String(r.duplicates),
    String(r.lost),
    String(r.deadLettered),
    r.recovery,
    passed(r) ? 'pass' : `FAIL: ${Object.entries(r.checks).filter(([, ok]) => !ok).map(([name]) => name).join('; ')}`,
  ]);
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '/')).join(' | ')} |`;
  return [line(COLUMNS), `|${COLUMNS.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !DRILLS.some((d) => d.name === name));
  if (unknown.length) {
    process.stderr.write(`unknown drill(s): ${unknown.join(', ')}; known: ${DRILLS.map((d) => d.name).join(', ')}\n`);
    process.exit(64);
  }
  const selected = wanted.length ? DRILLS.filter((d) => wanted.includes(d.name)) : DRILLS;
  const startedAt = new Date();
  const loadBefore = loadavg()[0];
  const results: DrillResult[] = [];
  for (const drill of selected) {
    process.stdout.write(`== drill: ${drill.name}\n`);
    try {
      const result = await drill.run();
      results.push(result);
      process.stdout.write(`${passed(result) ? 'pass' : 'FAIL'} in ${result.seconds.toFixed(0)} s; ${result.notes.join('; ')}\n`);
    } catch (error) {
      // A drill that could not finish is reported as such, never as a result.
      process.stdout.write(`ERROR: ${(error as Error).stack}\n`);
      results.push({
        drill: drill.name, load: '-', fault: '-', sent: 0, confirmed: 0, stored: 0, duplicates: 0, lost: 0, deadLettered: 0,
        recovery: '-', checks: { 'drill completed': false }, notes: [`aborted: ${(error as Error).message}`], seconds: 0,
      });
    }
  }
  const machine = { cpus: cpus().length, load_average_before: loadBefore, load_average_after: loadavg()[0], node: process.version };
  const summary = { started_at: startedAt.toISOString(), duration_seconds: (Date.now() - startedAt.getTime()) / 1000, machine, results };
  const table = tableOf(results);
  process.stdout.write(`\n${table}\n\n`);
  writeFileSync(join(ROOT, 'drills/results/latest.json'), `${JSON.stringify(summary, null, 2)}\n`);
  // A partial run (some drills only) does not replace the full table in the docs.
  if (!wanted.length || process.env.DRILLS_WRITE_DOC === '1') writeDrillsDoc(join(ROOT, 'docs/drills.md'), table, summary);
  process.exit(results.every(passed) ? 0 : 1);
}

if (require.main === module) void main();
