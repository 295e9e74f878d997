/**
 * `npm run drills [-- <name>...]` (through drills/run.sh, which starts the drills' own stack):
 * runs the fault drills one after another (those of BESIDE alongside, each in a runner process of
 * its own on a stack of its own), prints the table, writes drills/results/latest.json and rewrites
 * the table section of docs/drills.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
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

// doors runs last, after the drills beside too: it scans the logs every other drill captured for patient values.
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

/**
 * Drills that run beside the others: store-outage-long's ten minutes are mostly waiting for
 * MongoDB. Each runs in a runner process of its own (`--beside`), on the second stack of
 * drills/long-stack.env.sh, so its outage and the others' faults never meet; the runner waits for
 * it before `doors`, which scans every drill's logs.
 */
const BESIDE = new Set(['store-outage-long']);

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

/** A drill that could not finish is reported as such, never as a result: no figure is shown. */
function aborted(name: string, why: string): DrillResult {
  return {
    drill: name,
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
    notes: [`aborted: ${why}`],
    seconds: 0,
  };
}

/** Runs one drill in this process; every app it started is judged with it (withProcessFindings). */
async function runHere(drill: Drill): Promise<DrillResult> {
  process.stdout.write(`== drill: ${drill.name}\n`);
  const mark = spawnedCount();
  let result: DrillResult;
  try {
    result = await drill.run();
  } catch (error) {
    process.stdout.write(`ERROR: ${(error as Error).stack}\n`);
    result = aborted(drill.name, (error as Error).message);
  }
  result = withProcessFindings(result, spawnedSince(mark));
  const failures = Object.entries(result.checks)
    .filter(([, ok]) => !ok)
    .map(([name]) => name);
  process.stdout.write(
    `${failures.length ? `FAIL (${failures.join('; ')})` : 'pass'} in ${result.seconds.toFixed(0)} s; ${result.notes.join('; ')}\n`,
  );
  return result;
}

/**
 * Runs one drill beside this process: this script again with `--beside <name>`, given the
 * second stack's settings (run.sh writes them to DRILLS_BESIDE_ENV_FILE). Its lines are shown
 * prefixed with its name; its result comes back through a file.
 */
function runBeside(drill: Drill): Promise<DrillResult> {
  const envFile = process.env.DRILLS_BESIDE_ENV_FILE;
  if (!envFile || !existsSync(envFile))
    return Promise.resolve(
      aborted(drill.name, 'no second stack (DRILLS_BESIDE_ENV_FILE): run it through npm run drills'),
    );
  const resultFile = join(ROOT, `drills/results/${drill.name}.json`);
  writeFileSync(resultFile, '');
  const child = spawn(process.execPath, [...process.execArgv, __filename, '--beside', drill.name], {
    cwd: ROOT,
    env: { ...process.env, ...parseEnv(readFileSync(envFile, 'utf8')), DRILLS_RESULT_FILE: resultFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) process.stdout.write(`[${drill.name}] ${line}\n`);
  });
  return new Promise((resolve) =>
    child.once('close', (code, signal) => {
      const text = readFileSync(resultFile, 'utf8');
      if (text) return resolve(JSON.parse(text) as DrillResult);
      resolve(aborted(drill.name, `its runner ended with ${signal ?? `code ${code}`} and no result`));
    }),
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--beside') {
    const drill = DRILLS.find((d) => d.name === args[1])!;
    const result = await runHere(drill);
    writeFileSync(process.env.DRILLS_RESULT_FILE!, JSON.stringify(result));
    process.exit(passed(result) ? 0 : 1);
  }
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
  const beside = selected.filter((d) => BESIDE.has(d.name)).map(runBeside);
  const results: DrillResult[] = [];
  for (const drill of selected.filter((d) => !BESIDE.has(d.name) && d !== doorsDrill))
    results.push(await runHere(drill));
  results.push(...(await Promise.all(beside)));
  if (selected.includes(doorsDrill)) results.push(await runHere(doorsDrill));
  results.sort((a, b) => DRILLS.findIndex((d) => d.name === a.drill) - DRILLS.findIndex((d) => d.name === b.drill));
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
