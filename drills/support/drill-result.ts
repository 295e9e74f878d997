/** One row of the drills table (issue 5's columns) plus what a reader needs to judge it. */
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
}

export interface Drill {
  name: string;
  run(): Promise<DrillResult>;
}

export function passed(result: DrillResult): boolean {
  return Object.values(result.checks).every(Boolean);
}

/** A readiness watcher: polls a /health/ready URL and keeps the transitions (status changes). */
export class ReadinessLog {
  readonly transitions: Array<{ at: number; status: number; body: string }> = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly url: string,
    private readonly poll: (url: string) => Promise<{ status: number; body: string }>,
  ) {}

  start(intervalMs = 250): this {
    const tick = async () => {
      const { status, body } = await this.poll(this.url);
      const last = this.transitions.at(-1);
      if (!last || last.status !== status) this.transitions.push({ at: Date.now(), status, body: body.slice(0, 400) });
      if (this.timer) this.timer = setTimeout(() => void tick(), intervalMs);
    };
    this.timer = setTimeout(() => void tick(), 0);
    return this;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
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
