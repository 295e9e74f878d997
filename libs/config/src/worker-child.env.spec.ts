import { validateSettings } from './settings.validation';
import { WorkerChildEnv, workerChildEnvironment } from './worker-child.env';

describe('WorkerChildEnv', () => {
  it('reads a process the supervisor did not fork as the supervisor, with no health port', () => {
    expect(validateSettings(WorkerChildEnv, {})).toEqual({ EVENT_WORKER_CHILD: false, EVENT_WORKER_INDEX: 0 });
  });

  it('reads back what the supervisor hands child i', () => {
    const env = workerChildEnvironment(2, {
      EVENT_PROCESSORS: 'neo4j',
      EVENTS_PREFETCH: '200',
      EVENT_WORKER_HEALTH_PORT: '9100',
    });
    expect(env).toMatchObject({ EVENT_PROCESSORS: 'neo4j', EVENTS_PREFETCH: '200' });
    expect(validateSettings(WorkerChildEnv, env)).toMatchObject({
      EVENT_WORKER_CHILD: true,
      EVENT_WORKER_INDEX: 2,
      EVENT_WORKER_HEALTH_PORT: 9100,
    });
  });

  it('refuses an index or health port that is not a whole number', () => {
    expect(() => validateSettings(WorkerChildEnv, { EVENT_WORKER_HEALTH_PORT: 'x' })).toThrow(
      /^Invalid setting EVENT_WORKER_HEALTH_PORT/,
    );
  });
});
