import { compiledAppEntry, waitFor } from '@app/testing';
import { ClassConstructor } from 'class-transformer';
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { settingOverrides } from './setting-overrides';
import { ROOT, secrets } from './stack.env';

export const LOG_DIR = join(ROOT, 'drills/results/logs');

/** Every app process the drills started, in order: the runner reads each drill's share of it. */
const spawned: AppProcess[] = [];

/** The app processes created since `mark` (a length of this list, see `spawnedCount`). */
export function spawnedSince(mark: number): AppProcess[] {
  return spawned.slice(mark);
}

export function spawnedCount(): number {
  return spawned.length;
}

/** One start of the process: a stop the drill asked for belongs to the start it was asked of. */
interface Run {
  child: ChildProcess;
  startedAt: number;
  stopSignal?: NodeJS.Signals;
}

/**
 * One app process of a drill, as in production: its own process, its own env, the compiled app
 * (`drills/run.sh` builds `dist/` first; `entry` names the source file, the build's output for it
 * runs). stdout and stderr go to drills/results/logs/<name>.log so a drill can scan them afterwards
 * (the doors drill).
 *
 * It watches its own exits and, for the event worker's supervisor, the `worker exited` lines of
 * its children: an exit the drill did not ask for, or one that was not clean (a non-zero code after
 * SIGTERM, a child exiting with a code other than 0), is recorded in `exitProblems`, and the
 * runner fails the drill on it.
 */
export class AppProcess {
  private run!: Run;
  starts = 0;
  readonly logFile: string;
  readonly exitProblems: string[] = [];
  /** Settings this process gets other than the shipped defaults (NAME=value), for the table. */
  readonly overrides: string[];
  /** Its /health/ready URL, when it has an HTTP port. */
  healthUrl?: string;

  constructor(
    readonly name: string,
    private readonly entry: string,
    settings: ClassConstructor<object>,
    private readonly env: Record<string, string>,
    private readonly args: string[] = [],
  ) {
    mkdirSync(LOG_DIR, { recursive: true });
    this.logFile = join(LOG_DIR, `${name}.log`);
    this.overrides = settingOverrides(settings, env, process.env);
    spawned.push(this);
  }

  get child(): ChildProcess {
    return this.run.child;
  }

  start(): this {
    const log = createWriteStream(this.logFile, { flags: this.starts === 0 ? 'w' : 'a' });
    const child = spawn(process.execPath, [compiledAppEntry(ROOT, this.entry), ...this.args], {
      cwd: ROOT,
      env: { ...process.env, ...secrets, ENV_FILE: '/dev/null', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: Run = { child, startedAt: Date.now() };
    this.run = run;
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    for (const stream of [child.stdout!, child.stderr!]) this.watchLines(run, stream);
    child.once('exit', (code, signal) => this.onExit(run, code, signal));
    this.starts += 1;
    return this;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Sends `signal` to this process (only ours: we hold its ChildProcess) and waits for it to end,
   * and for its last output lines (a supervisor's `worker exited`) to be read, up to 5 s more.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.running) return;
    const run = this.run;
    run.stopSignal = signal;
    const exited = new Promise((resolve) => run.child.once('exit', resolve));
    const closed = new Promise((resolve) => run.child.once('close', resolve));
    run.child.kill(signal);
    await exited;
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  }

  private onExit(run: Run, code: number | null, signal: NodeJS.Signals | null): void {
    const how = code !== null ? `code ${code}` : `signal ${signal}`;
    const when = `${((Date.now() - run.startedAt) / 1000).toFixed(1)} s after its start`;
    if (!run.stopSignal) this.exitProblems.push(`${this.name} exited unasked (${how}, ${when})`);
    else if (run.stopSignal !== 'SIGKILL' && code !== 0)
      this.exitProblems.push(`${this.name} exited with ${how} when asked to stop (${run.stopSignal})`);
  }

  /** The supervisor's `{"msg":"worker exited","worker":i,"code":c,"signal":s}` lines. */
  private watchLines(run: Run, stream: Readable): void {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      if (!line.includes('"worker exited"')) return;
      let message: { msg?: string; worker?: number; code?: number | null; signal?: string | null } | undefined;
      try {
        message = (JSON.parse(line) as { message?: typeof message }).message;
      } catch {
        return;
      }
      if (message?.msg !== 'worker exited') return;
      const how =
        message.code !== null && message.code !== undefined ? `code ${message.code}` : `signal ${message.signal}`;
      const when = `${((Date.now() - run.startedAt) / 1000).toFixed(1)} s after the supervisor's start`;
      if (!run.stopSignal)
        this.exitProblems.push(`${this.name}: worker ${message.worker} exited unasked (${how}, ${when})`);
      else if (message.code !== 0)
        this.exitProblems.push(`${this.name}: worker ${message.worker} exited with ${how} while stopping`);
    });
  }

  /** Resident set size now, in MB (Linux /proc). */
  rssMb(): number {
    return this.statusMb('VmRSS');
  }

  /** Peak resident set size so far (VmHWM), in MB. */
  peakRssMb(): number {
    return this.statusMb('VmHWM');
  }

  private statusMb(field: 'VmRSS' | 'VmHWM'): number {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : NaN;
  }

  output(): string {
    return readFileSync(this.logFile, 'utf8');
  }
}

/** Waits for the process's /health/ready to answer 200; fails at once if the process has exited. */
export async function waitUntilReady(app: AppProcess, timeoutMs = 90_000): Promise<void> {
  const state = await waitFor(
    async () => (!app.running ? 'exited' : (await httpStatus(app.healthUrl!)).status === 200 && 'ready'),
    {
      timeoutMs,
      intervalMs: 250,
      description: `${app.name} ready`,
    },
  );
  if (state === 'exited') throw new Error(`${app.name} exited before it was ready (see ${app.logFile})`);
}

/** GET a health URL: the HTTP status, or 0 when nothing answers. */
export async function httpStatus(url: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.text() };
  } catch {
    return { status: 0, body: '' };
  }
}
