import { getJson, spawnApp, uniqueName, waitFor } from '@app/testing';

/** Both apps as real processes: they come up, answer probes, and exit 0 on SIGTERM. */
describe('process lifecycle', () => {
  jest.setTimeout(90_000);

  const apps = [
    {
      name: 'report worker',
      entry: 'apps/report-worker/src/main.ts',
      port: 18301,
      env: (port: number) => ({
        HEALTH_PORT: String(port),
        RABBITMQ_REQUEST_QUEUE: uniqueName('lifecycle_requests'),
        RABBITMQ_RESPONSE_QUEUE: uniqueName('lifecycle_responses'),
        MONGODB_URI: `mongodb://127.0.0.1:27017/${uniqueName('lifecycle')}`,
      }),
    },
    {
      name: 'event-ingest',
      entry: 'apps/event-ingest/src/main.ts',
      port: 18302,
      env: (port: number) => ({
        PORT: String(port),
        EVENTS_TOPOLOGY_PREFIX: uniqueName('lifecycle_events'),
      }),
    },
  ];

  it.each(apps)('$name becomes ready, then exits 0 on SIGTERM', async ({ entry, port, env }) => {
    const app = spawnApp(entry, env(port));
    try {
      await waitFor(async () => (await getJson(`http://127.0.0.1:${port}/health/ready`)).status === 200, {
        timeoutMs: 45_000,
        description: `${entry} ready`,
      });
      app.child.kill('SIGTERM');
      expect(await app.exited).toBe(0);
    } finally {
      app.child.kill('SIGKILL');
    }
    expect(app.output()).not.toMatch(/"level":"(error|fatal)"/);
  });
});
