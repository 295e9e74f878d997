import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { EventIngestMetrics } from '../../apps/event-ingest/src/metrics/event-ingest.metrics';
import { ReportMetrics } from '../../apps/report-worker/src/metrics/report.metrics';

/**
 * The dashboard and the alert rules in deploy/ name only series the apps export: every metric
 * name they use is registered by ReportMetrics or EventIngestMetrics (built here as the apps build
 * them, without a broker), so renaming a metric without its panels and rules fails here.
 */
const root = join(__dirname, '..', '..');
/** The series prefixes the apps own (their metrics, and prom-client's process metrics). */
const OURS = /\b(?:report_worker|event_ingest|process|nodejs)_[a-z0-9_]+/g;
/** Series Prometheus itself adds to every target. */
const PROMETHEUS_SERIES = ['up'];

async function exportedSeries(registries: Registry[]): Promise<Set<string>> {
  const names = new Set<string>(PROMETHEUS_SERIES);
  for (const registry of registries) {
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
    }
  }
  return names;
}

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  annotations: { summary: string; description: string };
}

const rules = (
  load(readFileSync(join(root, 'deploy/prometheus/alert-rules.yml'), 'utf8')) as {
    groups: Array<{ name: string; rules: Rule[] }>;
  }
).groups.flatMap((group) => group.rules);
const dashboard = JSON.parse(readFileSync(join(root, 'deploy/grafana/platform-dashboard.json'), 'utf8')) as {
  panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
};
const panelQueries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
const namesIn = (expr: string) => [...new Set(expr.match(OURS) ?? [])];

describe('observability files in deploy/', () => {
  let exported: Set<string>;
  let apps: { report: ReportMetrics; events: EventIngestMetrics };

  beforeAll(async () => {
    apps = { report: new ReportMetrics(), events: new EventIngestMetrics() };
    exported = await exportedSeries([apps.report.registry, apps.events.registry]);
  });

  it('has the alerts the runbook promises, each with a summary and a description', () => {
    expect(rules.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        'ReportDeadLettersGrowing',
        'EventDeadLettersGrowing',
        'ReportQueueStalled',
        'EventSinkStalled',
        'ReportQueueWithoutConsumers',
        'EventSinkWithoutConsumers',
        'TargetDown',
        'BrokerUnreachable',
      ]),
    );
    for (const rule of rules) {
      expect(rule.annotations.summary).toBeTruthy();
      expect(rule.annotations.description).toBeTruthy();
    }
    const dlq = rules.find((rule) => rule.alert === 'ReportDeadLettersGrowing')!;
    expect(dlq.expr).toMatch(/delta\(report_worker_queue_messages\{role="dlq"\}\[10m\]\)\) > 0/);
  });

  it('alerts only on series the apps export', () => {
    for (const rule of rules) {
      const names = [...namesIn(rule.expr), ...(/\bup\{/.test(rule.expr) ? ['up'] : [])];
      expect({ alert: rule.alert, names: names.length > 0 }).toEqual({ alert: rule.alert, names: true });
      for (const name of names)
        expect({ alert: rule.alert, name, exported: exported.has(name) }).toMatchObject({ exported: true });
    }
  });

  it('draws only series the apps export, and every panel has a query', () => {
    const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
    expect(panels.length).toBeGreaterThan(10);
    for (const panel of panels)
      expect({ panel: panel.title, queries: panel.targets?.length ?? 0 }).not.toEqual({
        panel: panel.title,
        queries: 0,
      });
    for (const expr of panelQueries)
      for (const name of namesIn(expr))
        expect({ expr, name, exported: exported.has(name) }).toMatchObject({ exported: true });
  });

  it('shows the queue gauges, DLQ sizes, LLM, cache and process metrics the issue lists', () => {
    const drawn = new Set(panelQueries.flatMap(namesIn));
    for (const name of [
      'report_worker_queue_messages',
      'report_worker_queue_consumers',
      'report_worker_llm_duration_seconds_bucket',
      'report_worker_llm_tokens_total',
      'report_worker_cache_hits_total',
      'report_worker_cache_misses_total',
      'event_ingest_http_request_duration_seconds_bucket',
      'event_ingest_events_accepted_total',
      'event_ingest_publish_duration_seconds_bucket',
      'event_ingest_delivery_duration_seconds_bucket',
      'event_ingest_queue_messages',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_gc_duration_seconds_sum',
      'process_resident_memory_bytes',
    ])
      expect(drawn).toContain(name);
  });

  it('a name the apps do not export is caught', () => {
    expect(exported.has('report_worker_requests_recieved_total')).toBe(false);
    expect(namesIn('rate(report_worker_requests_recieved_total[5m])')).toEqual([
      'report_worker_requests_recieved_total',
    ]);
  });
});
