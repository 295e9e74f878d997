import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './stack.env';

export const LOG_DIR = join(ROOT, 'drills/results/logs');

/**
 * One app process of a drill (as in production: its own process, its own env), compiled on the
 * fly with swc (as fast as the build, and `dist/`, which others use, stays untouched). stdout and
 * stderr go to drills/results/logs/<name>.log so a drill can scan them afterwards (drill 6).
 */
export class AppProcess {
  child!: ChildProcess;
  starts = 0;
  readonly logFile: string;
  /** Its /health/ready URL, when it has an HTTP port. */
  healthUrl?: string;

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: Record<string, string>,
    private readonly args: string[] = [],
  ) {
    mkdirSync(LOG_DIR, { recursive: true });
    this.logFile = join(LOG_DIR, `${name}.log`);
  }

  start(): this {
    const log = createWriteStream(this.logFile, { flags: this.starts === 0 ? 'w' : 'a' });
    this.child = spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', join(ROOT, this.entry), ...this.args], {
      cwd: ROOT,
      env: { ...process.env, ENV_FILE: '/dev/null', TS_NODE_SWC: 'true', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.pipe(log);
    this.child.stderr!.pipe(log);
    this.starts += 1;
    return this;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` to this process (only ours: we hold its ChildProcess) and waits for it to end. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.running) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill(signal);
    await exited;
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

/** GET a health URL: the HTTP status, or 0 when nothing answers. */
export async function httpStatus(url: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.text() };
  } catch {
    return { status: 0, body: '' };
  }
}
