import { WorkerChildRole, workerChildEnvironment } from '@app/config';
import { ChildProcess, fork } from 'node:child_process';
import { LoggerService } from '@nestjs/common';

export interface SupervisorOptions {
  workers: number;
  /** What every child runs (its --queue, --prefetch, --health-port), over the supervisor's environment. */
  role: WorkerChildRole;
  logger: LoggerService;
}

/** A child that exits with this code cannot start at all (bad settings): restarting will not help. */
const EX_CONFIG = 78;
const RESTART_DELAY_MS = 1000;

/**
 * Runs N worker processes of this same entry point (each a Nest application context with only the
 * chosen processors) and restarts one that dies. SIGTERM/SIGINT are passed to every child, each
 * drains (stops consuming, finishes its batch, acks) and exits; then the supervisor exits 0.
 */
export class WorkerSupervisor {
  private readonly children = new Map<number, ChildProcess>();
  private stopping = false;
  private exitCode = 0;
  private resolveDone!: (code: number) => void;
  readonly done = new Promise<number>((resolve) => (this.resolveDone = resolve));

  constructor(private readonly options: SupervisorOptions) {}

  start(): void {
    for (let index = 0; index < this.options.workers; index++) this.spawn(index);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => this.stop(signal));
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.stopping) return;
    this.stopping = true;
    this.options.logger.log({ msg: 'stopping workers', signal, workers: this.children.size }, 'WorkerSupervisor');
    for (const child of this.children.values()) child.kill('SIGTERM');
    if (this.children.size === 0) this.resolveDone(this.exitCode);
  }

  private spawn(index: number): void {
    const { modulePath, args, execArgv } = childCommand();
    const child = fork(modulePath, args, {
      env: workerChildEnvironment(index, this.options.role),
      execArgv,
      stdio: 'inherit',
    });
    this.children.set(index, child);
    this.options.logger.log({ msg: 'worker started', worker: index, pid: child.pid }, 'WorkerSupervisor');
    child.once('exit', (code, signal) => this.onExit(index, code, signal));
  }

  private onExit(index: number, code: number | null, signal: NodeJS.Signals | null): void {
    this.children.delete(index);
    const clean = code === 0;
    if (!clean) this.exitCode = code ?? 1;
    this.options.logger[clean ? 'log' : 'warn'](
      { msg: 'worker exited', worker: index, code, signal },
      'WorkerSupervisor',
    );
    if (this.stopping || code === EX_CONFIG) {
      if (code === EX_CONFIG && !this.stopping) this.stop();
      if (this.children.size === 0) this.resolveDone(this.exitCode);
      return;
    }
    setTimeout(() => !this.stopping && this.spawn(index), RESTART_DELAY_MS);
  }
}

/** The children run this same entry point, compiled (node main.js) or through ts-node in tests. */
function childCommand(): { modulePath: string; args: string[]; execArgv: string[] } {
  const entry = require.resolve('./main');
  if (!entry.endsWith('.ts')) return { modulePath: entry, args: [], execArgv: process.execArgv };
  return {
    modulePath: require.resolve('ts-node/dist/bin'),
    args: ['--swc', '-r', 'tsconfig-paths/register', entry],
    execArgv: [],
  };
}
