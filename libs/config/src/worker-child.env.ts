import { IsOptional } from 'class-validator';
import { EnvBoolean, EnvInt } from './env.decorators';
import { exitOnSettingsError } from './settings.loader';
import { validateSettings } from './settings.validation';

/**
 * What the event-worker supervisor tells each process it forks, through the child's environment.
 * Internal: set by the supervisor (from its command line), never by an operator.
 */
export class WorkerChildEnv {
  /** true in a forked worker, which runs the processors; the supervisor itself is false. */
  @EnvBoolean()
  EVENT_WORKER_CHILD = false;

  /** The child's place among the supervisor's workers, 0 to N-1; it serves health on the port plus this. */
  @EnvInt(0, 10_000)
  EVENT_WORKER_INDEX = 0;

  /** The supervisor's --health-port: child i serves /health/* on this plus i; unset, no HTTP at all. */
  @IsOptional()
  @EnvInt(1, 65535)
  EVENT_WORKER_HEALTH_PORT?: number;
}

/**
 * This process's place under the supervisor, validated (a bad value exits 78 like any setting).
 * From the process environment alone: only the supervisor sets these, never a .env file.
 */
export function workerChildSettings(env: NodeJS.ProcessEnv = process.env): WorkerChildEnv {
  return exitOnSettingsError(() => validateSettings(WorkerChildEnv, env));
}

/** The supervisor's --health-port and the children's role and prefetch, handed to every child. */
export interface WorkerChildRole {
  EVENT_PROCESSORS: string;
  EVENTS_PREFETCH: string;
  EVENT_WORKER_HEALTH_PORT?: string;
}

/** The environment child `index` is forked with: the supervisor's own, with the child's role and place. */
export function workerChildEnvironment(index: number, role: WorkerChildRole): NodeJS.ProcessEnv {
  return { ...process.env, ...role, EVENT_WORKER_CHILD: 'true', EVENT_WORKER_INDEX: String(index) };
}
