import { spawnApp } from '@app/testing';

describe('start-up with a bad setting', () => {
  jest.setTimeout(60_000);

  it('stops the report worker with one line naming the setting', async () => {
    const app = spawnApp('apps/report-worker/src/main.ts', { RABBITMQ_PREFETCH_COUNT: 'lots' });
    expect(await app.exited).toBe(78);
    expect(app.output().trim()).toBe(
      'Invalid setting RABBITMQ_PREFETCH_COUNT (got "lots"): RABBITMQ_PREFETCH_COUNT must be a whole number from 1 to 1000',
    );
  });

  it('stops event-ingest when the admin token is missing, without printing secrets', async () => {
    const app = spawnApp('apps/event-ingest/src/main.ts', { ADMIN_TOKEN: '', NEO4J_URI: 'http://neo4j' });
    expect(await app.exited).toBe(78);
    const lines = app.output().trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^Invalid setting ADMIN_TOKEN \(missing\): /),
      expect.stringMatching(
        /^Invalid setting NEO4J_URI \(got "http:\/\/neo4j"\): NEO4J_URI must be a bolt:\/\/ or neo4j:\/\/ URI$/,
      ),
    ]);
  });

  it('stops a Neo4j event worker when the Neo4j password is not set (there is none in code)', async () => {
    const app = spawnApp('apps/event-ingest/src/worker/main.ts', { NEO4J_PASSWORD: '' }, [
      '--queue',
      'neo4j',
      '--workers',
      '1',
    ]);
    expect(await app.exited).toBe(78);
    expect(app.output()).toContain(
      'Invalid setting NEO4J_PASSWORD (missing): NEO4J_PASSWORD is required where Neo4j is written',
    );
  });
});
