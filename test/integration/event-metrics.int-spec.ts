import { makeEvent, waitFor } from '@app/testing';
import { EventAppHandle, request, startEventApp } from './event-pipeline.harness';

/** One sample of the Prometheus text, e.g. `event_ingest_events_accepted_total`. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** GET /metrics of event-ingest: the API and the Neo4j processor in one process, on the real broker and Neo4j. */
describe('event-ingest metrics (GET /metrics)', () => {
  jest.setTimeout(60_000);
  let handle: EventAppHandle;

  beforeAll(async () => {
    // A limit the first spec's API requests stay under, and ten scrapes would not.
    handle = await startEventApp({ EVENT_PROCESSORS: 'all', EVENT_SINKS: 'neo4j', HTTP_RATE_LIMIT_PER_MINUTE: '6' });
    await waitFor(async () => (await request('GET', `${handle.base}/health/ready`)).status === 200, {
      description: 'ready',
    });
  });

  afterAll(async () => {
    await handle?.close();
  });

  const scrape = async () => {
    const response = await fetch(`${handle.base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return response.text();
  };

  it('counts accepted events, times the publish confirm, each HTTP route by template and status, and each processor delivery', async () => {
    const sink = `${handle.scope}.neo4j`;
    const before = await scrape();
    const event = makeEvent(handle.scope);
    expect((await request('POST', `${handle.base}/events`, event)).status).toBe(202);
    expect((await request('POST', `${handle.base}/events`, { user_id: 1 })).status).toBe(400);
    expect((await request('GET', `${handle.base}/rabbitmq/queues/neo4j`)).status).toBe(200);
    expect((await request('GET', `${handle.base}/no/such/${handle.scope}`)).status).toBe(404);
    const written = `event_ingest_delivery_duration_seconds_count{queue="${sink}",result="written"}`;
    const after = await waitFor(
      async () => {
        const text = await scrape();
        return sample(text, written) > sample(before, written) ? text : undefined;
      },
      { description: 'the Neo4j processor writing the event' },
    );
    const delta = (series: string) => sample(after, series) - sample(before, series);

    expect(delta('event_ingest_events_accepted_total')).toBe(1);
    expect(delta('event_ingest_events_refused_total{reason="unavailable"}')).toBe(0);
    expect(delta('event_ingest_publish_duration_seconds_count{result="ok"}')).toBe(1);
    expect(delta(written)).toBe(1);
    expect(delta('event_ingest_http_request_duration_seconds_count{method="POST",route="/events",status="202"}')).toBe(
      1,
    );
    expect(delta('event_ingest_http_request_duration_seconds_count{method="POST",route="/events",status="400"}')).toBe(
      1,
    );
    // The route's template, never the raw URL; a URL no route matches is one series whatever it is.
    expect(
      delta(
        'event_ingest_http_request_duration_seconds_count{method="GET",route="/rabbitmq/queues/:name",status="200"}',
      ),
    ).toBe(1);
    expect(delta('event_ingest_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}')).toBe(
      1,
    );
    expect(after).not.toContain(handle.scope + '"');
    expect(after).toMatch(
      /^event_ingest_http_request_duration_seconds_bucket\{le="\+Inf",method="POST",route="\/events",status="202"\} \d+$/m,
    );
  });

  it("exports its queues' depth and consumers from the broker, the DLQ among them, and the process metrics", async () => {
    const text = await scrape();
    expect(sample(text, 'event_ingest_broker_up')).toBe(1);
    expect(sample(text, `event_ingest_queue_consumers{queue="${handle.scope}.neo4j",role="sink"}`)).toBe(1);
    expect(text).toMatch(
      new RegExp(`^event_ingest_queue_messages\\{queue="${handle.scope}\\.dlq",role="dlq"\\} 0$`, 'm'),
    );
    expect(text).toMatch(
      new RegExp(
        `^event_ingest_queue_messages\\{queue="${handle.scope}\\.neo4j\\.retry\\.100ms",role="retry"\\} 0$`,
        'm',
      ),
    );
    // The qdrant sink is not in EVENT_SINKS: its queue is not watched.
    expect(text).not.toContain(`queue="${handle.scope}.qdrant"`);
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ])
      expect(text).toMatch(new RegExp(`^${name} \\d`, 'm'));
  });

  it('is not rate limited, as the probes are not', async () => {
    const statuses: number[] = [];
    while (statuses.length < 10 && statuses.at(-1) !== 429)
      statuses.push((await request('POST', `${handle.base}/events`, makeEvent(handle.scope))).status);
    expect(statuses.at(-1)).toBe(429);
    const scrapes = await Promise.all(Array.from({ length: 10 }, () => fetch(`${handle.base}/metrics`)));
    expect(scrapes.map((response) => response.status)).toEqual(Array(10).fill(200));
  });
});
