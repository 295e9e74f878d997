import type { Counter } from 'prom-client';

/** The value of one series of a counter (0 when it has not been counted yet), read as a scrape would. */
export async function metricValue(counter: Counter<string>, labels: Record<string, string> = {}): Promise<number> {
  const { values } = await counter.get();
  const keys = Object.keys(labels);
  const series = values.find(
    (value) =>
      Object.keys(value.labels).length === keys.length && keys.every((key) => value.labels[key] === labels[key]),
  );
  return series?.value ?? 0;
}
