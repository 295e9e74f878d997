import { Counter, Gauge, Histogram, MetricsRegistry } from './metrics.registry';

describe('MetricsRegistry (Prometheus text format)', () => {
  it('renders counters with labels, read-at-scrape gauges and cumulative histograms', () => {
    const registry = new MetricsRegistry();
    const counter = registry.register(new Counter('jobs_total', 'Jobs.'));
    let inFlight = 3;
    registry.register(new Gauge('in_flight', 'Now.', () => inFlight));
    const histogram = registry.register(new Histogram('duration_seconds', 'Time.', [0.1, 1]));
    counter.inc({ kind: 'a' });
    counter.inc({ kind: 'a' }, 2);
    counter.inc({ kind: 'say "hi"\n' });
    histogram.observe(0.05, { op: 'x' });
    histogram.observe(0.5, { op: 'x' });
    histogram.observe(5, { op: 'x' });
    inFlight = 1;

    const lines = registry.render().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        '# HELP jobs_total Jobs.',
        '# TYPE jobs_total counter',
        'jobs_total{kind="a"} 3',
        'jobs_total{kind="say \\"hi\\"\\n"} 1',
        '# TYPE in_flight gauge',
        'in_flight 1',
        '# TYPE duration_seconds histogram',
        'duration_seconds_bucket{op="x",le="0.1"} 1',
        'duration_seconds_bucket{op="x",le="1"} 2',
        'duration_seconds_bucket{op="x",le="+Inf"} 3',
        'duration_seconds_sum{op="x"} 5.55',
        'duration_seconds_count{op="x"} 3',
      ]),
    );
    expect(counter.value({ kind: 'a' })).toBe(3);
    expect(histogram.totals({ op: 'x' })).toEqual({ sum: 5.55, count: 3 });
  });
});
