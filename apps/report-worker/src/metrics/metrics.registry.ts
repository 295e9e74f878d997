/**
 * A minimal Prometheus registry (text exposition format 0.0.4): counters, gauges read at scrape
 * time, and histograms, with labels. Hand-rolled instead of prom-client to keep the worker's
 * dependencies and resident memory small; it covers only what the worker exports.
 */
type Labels = Record<string, string>;

function labelText(labels: Labels, extra?: Labels): string {
  const all = { ...labels, ...extra };
  const parts = Object.keys(all).map(
    (k) => `${k}="${String(all[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** Series are keyed by their label text, computed once per distinct label set. */
abstract class Metric<S> {
  protected readonly series = new Map<string, { labels: Labels; state: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
  ) {}

  protected stateFor(labels: Labels): S {
    const key = labelText(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels, state: this.initial() };
      this.series.set(key, entry);
    }
    return entry.state;
  }

  render(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`, ...this.lines()];
  }

  protected abstract initial(): S;
  protected abstract lines(): string[];
}

export class Counter extends Metric<{ value: number }> {
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }

  inc(labels: Labels = {}, by = 1): void {
    this.stateFor(labels).value += by;
  }

  value(labels: Labels = {}): number {
    return this.series.get(labelText(labels))?.state.value ?? 0;
  }

  protected initial() {
    return { value: 0 };
  }

  protected lines(): string[] {
    return [...this.series.values()].map(({ labels, state }) => `${this.name}${labelText(labels)} ${state.value}`);
  }
}

/** A gauge whose value is read when scraped (e.g. messages in flight), so it can never drift. */
export class Gauge extends Metric<never> {
  constructor(
    name: string,
    help: string,
    private readonly read: () => number,
  ) {
    super(name, help, 'gauge');
  }

  protected initial(): never {
    throw new Error('a read-at-scrape gauge has no series');
  }

  protected lines(): string[] {
    return [`${this.name} ${this.read()}`];
  }
}

interface HistogramState {
  buckets: number[];
  sum: number;
  count: number;
}

export class Histogram extends Metric<HistogramState> {
  constructor(
    name: string,
    help: string,
    private readonly bounds: number[],
  ) {
    super(name, help, 'histogram');
  }

  observe(value: number, labels: Labels = {}): void {
    const state = this.stateFor(labels);
    state.sum += value;
    state.count += 1;
    for (let i = 0; i < this.bounds.length; i += 1) if (value <= this.bounds[i]) state.buckets[i] += 1;
  }

  /** Sum and count of one series, for tests and the benchmark. */
  totals(labels: Labels = {}): { sum: number; count: number } {
    const state = this.series.get(labelText(labels))?.state;
    return { sum: state?.sum ?? 0, count: state?.count ?? 0 };
  }

  protected initial(): HistogramState {
    return { buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
  }

  protected lines(): string[] {
    return [...this.series.values()].flatMap(({ labels, state }) => [
      ...this.bounds.map((le, i) => `${this.name}_bucket${labelText(labels, { le: String(le) })} ${state.buckets[i]}`),
      `${this.name}_bucket${labelText(labels, { le: '+Inf' })} ${state.count}`,
      `${this.name}_sum${labelText(labels)} ${state.sum}`,
      `${this.name}_count${labelText(labels)} ${state.count}`,
    ]);
  }
}

export class MetricsRegistry {
  private readonly metrics: Array<Pick<Metric<unknown>, 'render'>> = [];

  register<M extends Pick<Metric<unknown>, 'render'>>(metric: M): M {
    this.metrics.push(metric);
    return metric;
  }

  render(): string {
    return `${this.metrics.flatMap((metric) => metric.render()).join('\n')}\n`;
  }
}
