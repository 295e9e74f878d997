import { EventIngestEnv, EventWorkerEnv } from './event-ingest.env';
import { ReportWorkerEnv } from './report-worker.env';
import { sinksOf } from './sections/events.env';
import { SettingsError } from './settings.error';
import { validateSettings } from './settings.validation';

import { randomBytes } from 'node:crypto';

const ADMIN_TOKEN = randomBytes(24).toString('base64url');
/** The report worker's keys have no default; made afresh for every run, never written down. */
const KEYS = {
  REPORT_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  REPORT_CONTENT_HMAC_KEY: randomBytes(32).toString('base64'),
};

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  throw new Error('expected a SettingsError');
}

describe('validateSettings', () => {
  it('fills every report worker setting with its documented default', () => {
    const settings = validateSettings(ReportWorkerEnv, KEYS);
    expect(settings).toMatchObject({
      RABBITMQ_REQUEST_QUEUE: 'report_generation_requests',
      RABBITMQ_RESPONSE_QUEUE: 'report_generation_responses',
      RABBITMQ_PREFETCH_COUNT: 16,
      REDIS_CACHE_TTL: 3600,
      MAX_RETRIES: 3,
      HEALTH_PORT: 8001,
      REPORT_RETRY_DELAYS_MS: [1000, 5000, 30000],
      MONGODB_MAX_POOL_SIZE: 10,
      MONGODB_SOCKET_TIMEOUT_MS: 30000,
    });
  });

  it('turns env strings into numbers, booleans and lists', () => {
    const settings = validateSettings(EventIngestEnv, {
      ADMIN_TOKEN,
      PORT: '9000',
      USE_RABBITMQ: 'FALSE',
      NEO4J_PASSWORD: 'a-password',
      EVENT_RETRY_DELAYS_MS: '10,20,30',
    });
    expect(settings.PORT).toBe(9000);
    expect(settings.USE_RABBITMQ).toBe(false);
    expect(settings.EVENT_RETRY_DELAYS_MS).toEqual([10, 20, 30]);
  });

  it('treats an empty value as not set', () => {
    expect(validateSettings(ReportWorkerEnv, { ...KEYS, OPENAI_API_KEY: '', HEALTH_PORT: '' }).HEALTH_PORT).toBe(8001);
  });

  it('refuses to start the report worker without its keys, naming each and never showing a value', () => {
    const problems = problemsOf(() =>
      validateSettings(ReportWorkerEnv, { REPORT_ENCRYPTION_KEYS: `k1:${randomBytes(16).toString('base64')}` }),
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^Invalid setting REPORT_ENCRYPTION_KEYS \(value hidden\): .*exactly 32 bytes/);
    expect(problems[1]).toMatch(/^Invalid setting REPORT_CONTENT_HMAC_KEY \(missing\): .*at least 32 random bytes/);
  });

  it('names each bad setting on a line of its own', () => {
    const problems = problemsOf(() =>
      validateSettings(ReportWorkerEnv, { ...KEYS, RABBITMQ_PREFETCH_COUNT: '12abc', MONGODB_URI: 'http://nope' }),
    );
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/^Invalid setting RABBITMQ_PREFETCH_COUNT \(got "12abc"\): .*whole number/m);
    expect(problems.join('\n')).toMatch(/^Invalid setting MONGODB_URI \(got "http:\/\/nope"\): .*mongodb:\/\//m);
  });

  it('refuses a missing admin token without echoing secrets', () => {
    expect(problemsOf(() => validateSettings(EventIngestEnv, {}))).toEqual([
      expect.stringMatching(/^Invalid setting ADMIN_TOKEN \(missing\): .*ADMIN_TOKEN is required/),
    ]);
    expect(problemsOf(() => validateSettings(EventIngestEnv, { ADMIN_TOKEN: ADMIN_TOKEN.slice(0, 23) }))[0]).toContain(
      'value hidden',
    );
  });

  it.each([
    ['the published placeholder', 'change-me-to-a-long-random-token', 'is a published placeholder, not a secret'],
    ['a token under 24 characters', ADMIN_TOKEN.slice(0, 23), 'must be at least 24 characters'],
  ])('refuses %s as the admin token, on one line saying how to make one', (_, token, problem) => {
    expect(problemsOf(() => validateSettings(EventIngestEnv, { ADMIN_TOKEN: token }))).toEqual([
      `Invalid setting ADMIN_TOKEN (value hidden): ADMIN_TOKEN ${problem}: npm start writes one into .env, or make one with \`openssl rand -base64 32\``,
    ]);
    expect(validateSettings(EventIngestEnv, { ADMIN_TOKEN: ADMIN_TOKEN.slice(0, 24) }).ADMIN_TOKEN).toHaveLength(24);
  });

  it('does not ask the event workers for the admin token they never use', () => {
    expect(validateSettings(EventWorkerEnv, {})).not.toHaveProperty('ADMIN_TOKEN');
  });

  it('carries no credentials in code: none in the broker URL, no Neo4j password', () => {
    const settings = validateSettings(EventWorkerEnv, {});
    expect(settings.RABBITMQ_URL.map((url) => new URL(url).username)).toEqual(['']);
    expect(settings.NEO4J_PASSWORD).toBeUndefined();
  });

  it('asks for the Neo4j password only where Neo4j is written', () => {
    const missing = /^Invalid setting NEO4J_PASSWORD \(missing\): NEO4J_PASSWORD is required where Neo4j is written/;
    expect(problemsOf(() => validateSettings(EventWorkerEnv, { EVENT_PROCESSORS: 'neo4j' }))).toEqual([
      expect.stringMatching(missing),
    ]);
    expect(problemsOf(() => validateSettings(EventIngestEnv, { ADMIN_TOKEN, USE_RABBITMQ: 'false' }))).toEqual([
      expect.stringMatching(missing),
    ]);
    expect(validateSettings(EventWorkerEnv, { EVENT_PROCESSORS: 'qdrant' }).NEO4J_PASSWORD).toBeUndefined();
    expect(
      validateSettings(EventWorkerEnv, { EVENT_PROCESSORS: 'all', EVENT_SINKS: 'qdrant' }).NEO4J_PASSWORD,
    ).toBeUndefined(); // all = the chosen sinks: no Neo4j
    expect(validateSettings(EventWorkerEnv, { EVENT_PROCESSORS: 'all', NEO4J_PASSWORD: 'x' }).NEO4J_PASSWORD).toBe('x');
  });

  it('hides credentials inside URLs', () => {
    const [problem] = problemsOf(() =>
      validateSettings(EventIngestEnv, { ADMIN_TOKEN, RABBITMQ_URL: 'http://user:secret@host' }),
    );
    expect(problem).not.toContain('secret');
  });

  it('hides the credentials of every URL in a list', () => {
    const [problem] = problemsOf(() =>
      validateSettings(EventIngestEnv, {
        ADMIN_TOKEN,
        RABBITMQ_URL: 'amqp://u:first-secret@a,http://u:second-secret@b',
      }),
    );
    expect(problem).not.toMatch(/first-secret|second-secret/);
  });

  it('takes one broker URL, or several separated by commas (the nodes of a cluster)', () => {
    expect(validateSettings(EventWorkerEnv, { RABBITMQ_URL: 'amqps://u:p@mq.example:5671/vh' }).RABBITMQ_URL).toEqual([
      'amqps://u:p@mq.example:5671/vh',
    ]);
    expect(
      validateSettings(EventWorkerEnv, { RABBITMQ_URL: 'amqp://a:5681, amqp://b:5682,amqp://c:5683' }).RABBITMQ_URL,
    ).toEqual(['amqp://a:5681', 'amqp://b:5682', 'amqp://c:5683']);
    expect(validateSettings(ReportWorkerEnv, { ...KEYS, RABBITMQ_URL: 'amqp://a,amqp://b' }).RABBITMQ_URL).toEqual([
      'amqp://a',
      'amqp://b',
    ]);
  });

  it.each([
    ['http://h', ''],
    ['amqp://', ''],
    ['amqp://a,http://b', '; URL 2 of 2 is not one'],
    ['amqp://a,,amqp://c', '; URL 2 of 3 is empty'],
    ['amqp://a,', '; URL 2 of 2 is empty'],
    ['amqp://a,amqp://[b', '; URL 2 of 2 is not one'],
  ])('refuses RABBITMQ_URL=%p, naming a bad entry of a list by its position', (value, which) => {
    expect(problemsOf(() => validateSettings(EventWorkerEnv, { RABBITMQ_URL: value }))).toEqual([
      `Invalid setting RABBITMQ_URL (got "${value}"): RABBITMQ_URL must be an amqp:// or amqps:// URL, or several separated by commas (one per cluster node)${which}`,
    ]);
  });

  it('declares every sink unless EVENT_SINKS chooses some', () => {
    expect(validateSettings(EventWorkerEnv, {}).EVENT_SINKS).toEqual(['neo4j', 'qdrant']);
    expect(validateSettings(EventWorkerEnv, { EVENT_SINKS: 'neo4j' }).EVENT_SINKS).toEqual(['neo4j']);
    expect(validateSettings(EventWorkerEnv, { EVENT_SINKS: ' qdrant , neo4j ' }).EVENT_SINKS).toEqual([
      'qdrant',
      'neo4j',
    ]);
  });

  it.each(['mongo', 'neo4j,neo4j', 'neo4j,', ','])(
    'refuses EVENT_SINKS=%p with one line naming the choices',
    (value) => {
      expect(problemsOf(() => validateSettings(EventWorkerEnv, { EVENT_SINKS: value }))).toEqual([
        `Invalid setting EVENT_SINKS (got "${value}"): EVENT_SINKS must be a comma-separated list of neo4j, qdrant (at least one, each once)`,
      ]);
    },
  );

  it('refuses a processor for a sink outside EVENT_SINKS, and runs only the chosen ones for "all"', () => {
    expect(
      problemsOf(() => validateSettings(EventWorkerEnv, { EVENT_SINKS: 'neo4j', EVENT_PROCESSORS: 'qdrant' })),
    ).toEqual([
      expect.stringMatching(/^Invalid setting EVENT_PROCESSORS \(got "qdrant"\): .*not in EVENT_SINKS \(neo4j\)/),
    ]);
    expect(
      validateSettings(EventWorkerEnv, { EVENT_SINKS: 'neo4j', EVENT_PROCESSORS: 'all', NEO4J_PASSWORD: 'x' })
        .EVENT_PROCESSORS,
    ).toBe('all');
    expect(sinksOf('all', ['neo4j'])).toEqual(['neo4j']);
    expect(sinksOf('qdrant', ['qdrant'])).toEqual(['qdrant']);
  });

  it('refuses booleans that are not true or false', () => {
    expect(problemsOf(() => validateSettings(EventIngestEnv, { ADMIN_TOKEN, USE_RABBITMQ: 'yes' }))[0]).toMatch(
      /USE_RABBITMQ .*must be true or false/,
    );
  });
});
