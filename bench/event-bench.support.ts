import { compiledAppEntry } from '@app/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..');

/** The parts of autocannon's result used here (the package ships no typings). */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<AutocannonResult>;

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** CPU the server process used per request (µs; per event when a request carries several). */
  cpuMicrosPerRequest?: number;
  /** CPU the local RabbitMQ used per request (µs; per event likewise), over the same phase. */
  brokerCpuMicrosPerRequest?: number;
}

/** Node flags for the apps a bench starts, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them. */
export const APP_NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

/**
 * An entry point as its own process: an app (`apps/…`) compiled, as production runs it
 * (bench/run.sh builds first), with BENCH_NODE_FLAGS; a bench helper (`bench/…`) from source,
 * swc-transpiled.
 */
export function startProcess(entry: string, env: Record<string, string>, args: string[] = []): ChildProcess {
  const node = entry.startsWith('apps/')
    ? [...APP_NODE_FLAGS, compiledAppEntry(ROOT, entry)]
    : ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', join(ROOT, entry)];
  return spawn(process.execPath, [...node, ...args], {
    cwd: ROOT,
    env: { ...process.env, ENV_FILE: '/dev/null', TS_NODE_SWC: 'true', ...env },
    // BENCH_LOG_DIR keeps each process's stdout (JSON logs) for a closer look.
    stdio: [
      'ignore',
      process.env.BENCH_LOG_DIR
        ? openSync(join(process.env.BENCH_LOG_DIR, `${entry.replace(/\W+/g, '_')}.log`), 'w')
        : 'ignore',
      'inherit',
    ],
  });
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export interface LoadOptions {
  url: string;
  body: () => string;
  connections: number;
  durationSeconds: number;
  /** Requests per second offered (all connections together); none: as fast as answered. */
  rate?: number;
}

/** autocannon, programmatic: a fresh body per request (unique event ids), JSON, keep-alive. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    connections: options.connections,
    duration: options.durationSeconds,
    overallRate: options.rate,
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (request: Record<string, unknown>) => ({ ...request, body: options.body() }) }],
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** CPU time (user + system) a process has used so far, in microseconds (from /proc, Linux). */
export function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1_000_000 / 100); // utime + stime, in 100 Hz ticks
}

/**
 * CPU time (µs) used so far by every process on this machine named one of `names` (its comm, e.g.
 * `beam.smp`): a service's share of what the load costs the box. A process that ends between the
 * listing and the read takes its CPU with it.
 */
export function cpuMicrosOfProcesses(names: string[]): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (names.includes(readFileSync(`/proc/${pid}/comm`, 'utf8').trim())) total += cpuMicros(Number(pid));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** CPU time the RabbitMQ nodes on this machine have used so far, in microseconds. */
export function brokerCpuMicros(): number {
  return cpuMicrosOfProcesses(['beam.smp']);
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function printTable(rows: Array<[string, string, string]>): void {
  const all: string[][] = [['measure', 'value', 'target'], ...rows];
  const widths = [0, 1, 2].map((i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write(`${line(all[0])}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}
