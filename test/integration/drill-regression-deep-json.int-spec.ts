import { waitFor } from '@app/testing';
import { EventAppHandle, request, startEventApp } from './event-pipeline.harness';

/**
 * A deeply nested JSON body parses fine and would then overflow the stack in the ValidationPipe,
 * answering 500. It must be a 400 that says why, and nothing is published (docs/drills.md).
 */
describe('deeply nested JSON bodies', () => {
  jest.setTimeout(60_000);
  let handle: EventAppHandle;

  beforeAll(async () => {
    handle = await startEventApp({ EVENT_PROCESSORS: 'none' });
    await waitFor(async () => (await request('GET', `${handle.base}/health/ready`)).status === 200, {
      description: 'ready',
    });
  });

  afterAll(async () => {
    await handle?.close();
  });

  it.each([
    ['/events', `{"user_id": ${'['.repeat(5000)}1${']'.repeat(5000)}}`],
    ['/events', `${'{"a":'.repeat(20000)}1${'}'.repeat(20000)}`],
    ['/events/batch', `{"events": [${'{"events":['.repeat(3000)}${']}'.repeat(3000)}]}`],
  ])('%s: 400 naming the nesting limit, nothing published', async (path, body) => {
    const response = await request('POST', `${handle.base}${path}`, body);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toMatch(/nested deeper than 32 levels/);
    for (const queue of [`${handle.scope}.neo4j`, `${handle.scope}.qdrant`])
      expect(await handle.broker.depth(queue)).toBe(0);
  });

  it('still accepts a normal batch (3 levels) after them', async () => {
    const events = [
      {
        event_id: `${handle.scope}-e1`,
        user_id: `${handle.scope}-u`,
        product_id: `${handle.scope}-p`,
        event_type: 'view',
        user_session: 's',
      },
    ];
    expect((await request('POST', `${handle.base}/events/batch`, { events })).status).toBe(202);
  });
});
