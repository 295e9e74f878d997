import type { AppProcess } from './app.process';

/**
 * One row of the drills table plus what a reader needs to judge it. Every figure is counted by the
 * drill: `sent` what it sent, `confirmed` the publisher confirms it got (its own confirm channel
 * for report requests; for events the API's 202, which it answers only on the broker's confirm),
 * `stored` what reached the store. A figure that cannot be read is NaN, shown as `-`, and fails.
 */
export interface DrillResult {
  drill: string;
  load: string;
  fault: string;
  sent: number;
  confirmed: number;
  stored: number;
  duplicates: number;
  lost: number;
  deadLettered: number;
  /** Human-readable, e.g. "202s again 1.2 s after the broker was back". */
  recovery: string;
  /** Every check the drill made, true = held. The drill passes when all hold. */
  checks: Record<string, boolean>;
  notes: string[];
  seconds: number;
  /** Settings its app processes ran with other than the shipped defaults (filled in by the runner). */
  overrides?: string[];
}

export interface Drill {
  name: string;
  run(): Promise<DrillResult>;
}

export function passed(result: DrillResult): boolean {
  return Object.values(result.checks).every(Boolean);
}

const FIGURES = ['sent', 'confirmed', 'stored', 'duplicates', 'lost', 'deadLettered'] as const;

/**
 * What the runner adds to a drill's own result from the app processes it started: a check that
 * none exited unasked or uncleanly (the reasons in its name, so the table shows them), the
 * settings they ran with other than the defaults, and a check that every figure was measured.
 */
export function withProcessFindings(result: DrillResult, processes: AppProcess[]): DrillResult {
  const problems = processes.flatMap((p) => p.exitProblems);
  const shown =
    problems.length > 3 ? [...problems.slice(0, 3), `${problems.length - 3} more in latest.json`] : problems;
  const unmeasured = FIGURES.filter((name) => !Number.isFinite(result[name]));
  const checks = {
    ...result.checks,
    [`no app exit the drill did not ask for${shown.length ? ` (${shown.join('; ')})` : ''}`]: problems.length === 0,
  };
  if (unmeasured.length) checks[`every figure measured (unreadable: ${unmeasured.join(', ')})`] = false;
  const notes = problems.length > 3 ? [...result.notes, `app exits: ${problems.join('; ')}`] : result.notes;
  return { ...result, checks, notes, overrides: [...new Set(processes.flatMap((p) => p.overrides))] };
}

/** Polls a health URL every `intervalMs` until stopped; each answer goes to `observe`. */
abstract class HealthWatcher {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly url: string,
    private readonly poll: (url: string) => Promise<{ status: number; body: string }>,
  ) {}

  protected abstract observe(status: number, body: string, at: number): void;

  start(intervalMs = 250): this {
    const tick = async () => {
      const { status, body } = await this.poll(this.url);
      this.observe(status, body, Date.now());
      if (this.timer) this.timer = setTimeout(() => void tick(), intervalMs);
    };
    this.timer = setTimeout(() => void tick(), 0);
    return this;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * A liveness watcher: polls a /health/live URL and keeps the longest time between two answers, so
 * a drill can tell a process whose event loop stalled (no answer at all) from one that answers
 * but cannot do its work.
 */
export class LivenessGap extends HealthWatcher {
  longestMs = 0;
  longestFrom = 0;
  private lastAnswer = Date.now();

  protected observe(status: number, _body: string, at: number): void {
    if (status !== 200) return;
    if (at - this.lastAnswer > this.longestMs)
      [this.longestMs, this.longestFrom] = [at - this.lastAnswer, this.lastAnswer];
    this.lastAnswer = at;
  }
}

/** A readiness watcher: polls a /health/ready URL and keeps the transitions (status changes). */
export class ReadinessLog extends HealthWatcher {
  readonly transitions: Array<{ at: number; status: number; body: string }> = [];

  protected observe(status: number, body: string, at: number): void {
    const last = this.transitions.at(-1);
    if (!last || last.status !== status) this.transitions.push({ at, status, body: body.slice(0, 400) });
  }

  /** True when some answer between `from` and `to` was not 200 and mentioned `dependency`. */
  sawDown(dependency: string, from: number, to: number): boolean {
    return this.transitions.some((t, i) => {
      const until = this.transitions[i + 1]?.at ?? Infinity;
      return t.status !== 200 && t.at <= to && until >= from && t.body.includes(dependency);
    });
  }

  /**
   * How long after `back` (the service answering again) readiness first said 200 following the
   * outage that began at `down`, in ms; 0 when it said so before service.sh noticed (it polls once a second).
   */
  recoveryMs(down: number, back: number): number | undefined {
    const firstDown = this.transitions.findIndex((t) => t.at >= down && t.status !== 200);
    const up = firstDown < 0 ? undefined : this.transitions.slice(firstDown).find((t) => t.status === 200)?.at;
    return up === undefined ? undefined : Math.max(0, up - back);
  }
}
