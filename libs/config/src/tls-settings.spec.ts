import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { EventIngestEnv } from './event-ingest.env';
import { ReportWorkerEnv } from './report-worker.env';
import { SettingsError } from './settings.error';
import { validateSettings } from './settings.validation';
import { readTlsFiles } from './tls-files.reader';

/** The report worker's keys have no default; made afresh for every run, never written down. */
const KEYS = {
  REPORT_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  REPORT_CONTENT_HMAC_KEY: randomBytes(32).toString('base64'),
};
const EVENTS = { ADMIN_TOKEN: randomBytes(24).toString('base64url'), NEO4J_PASSWORD: 'a-password' };
/** A file that exists and can be read: this spec. */
const READABLE = __filename;
const MISSING = `${dirname(__filename)}/no-such-ca.pem`;

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  throw new Error('expected a SettingsError');
}

const worker = (env: Record<string, string>) => validateSettings(ReportWorkerEnv, { ...KEYS, ...env });
const ingest = (env: Record<string, string>) => validateSettings(EventIngestEnv, { ...EVENTS, ...env });

describe('TLS settings', () => {
  it('default to plaintext allowed and no TLS files', () => {
    expect(worker({})).toMatchObject({
      RABBITMQ_TLS_REQUIRED: false,
      REDIS_TLS_REQUIRED: false,
      MONGODB_TLS_REQUIRED: false,
    });
    expect(worker({}).RABBITMQ_TLS_CA_FILE).toBeUndefined();
    expect(ingest({})).toMatchObject({ NEO4J_TLS_REQUIRED: false, RABBITMQ_TLS_REQUIRED: false });
  });

  it('refuse each plaintext URL while its *_TLS_REQUIRED is true, one line naming both settings, credentials hidden', () => {
    const problems = problemsOf(() =>
      worker({
        RABBITMQ_URL: 'amqp://user:secret@127.0.0.1:5672',
        RABBITMQ_TLS_REQUIRED: 'true',
        REDIS_URL: 'redis://127.0.0.1:6379',
        REDIS_TLS_REQUIRED: 'TRUE',
        MONGODB_URI: 'mongodb://127.0.0.1:27017/medical_reports',
        MONGODB_TLS_REQUIRED: 'true',
      }),
    );
    expect(problems).toEqual([
      'Invalid setting RABBITMQ_URL (got "amqp://***@127.0.0.1:5672"): RABBITMQ_TLS_REQUIRED is true: RABBITMQ_URL must be amqps:// (every URL of the list)',
      'Invalid setting MONGODB_URI (got "mongodb://127.0.0.1:27017/medical_reports"): MONGODB_TLS_REQUIRED is true: MONGODB_URI must be a URI with tls=true (or mongodb+srv://)',
      'Invalid setting REDIS_URL (got "redis://127.0.0.1:6379"): REDIS_TLS_REQUIRED is true: REDIS_URL must be a rediss:// URL',
    ]);
    expect(problemsOf(() => ingest({ NEO4J_URI: 'bolt://127.0.0.1:7687', NEO4J_TLS_REQUIRED: 'true' }))).toEqual([
      'Invalid setting NEO4J_URI (got "bolt://127.0.0.1:7687"): NEO4J_TLS_REQUIRED is true: NEO4J_URI must be a bolt+s:// or neo4j+s:// URI',
    ]);
  });

  it('accept TLS URLs while TLS is required', () => {
    const settings = worker({
      RABBITMQ_URL: 'amqps://a:5671, amqps://b:5671',
      RABBITMQ_TLS_REQUIRED: 'true',
      REDIS_URL: 'rediss://u:p@localhost:6380',
      REDIS_TLS_REQUIRED: 'true',
      MONGODB_URI: 'mongodb://localhost:27018/db?authMechanism=PLAIN&TLS=True',
      MONGODB_TLS_REQUIRED: 'true',
    });
    expect(settings.RABBITMQ_URL).toEqual(['amqps://a:5671', 'amqps://b:5671']);
    for (const uri of ['bolt+s://localhost:7687', 'neo4j+s://db.example', 'bolt+ssc://localhost:7687']) {
      expect(ingest({ NEO4J_URI: uri, NEO4J_TLS_REQUIRED: 'true' }).NEO4J_URI).toBe(uri);
    }
  });

  it.each([
    [
      'one plaintext node in a cluster list',
      { RABBITMQ_URL: 'amqps://a:5671,amqp://b:5672', RABBITMQ_TLS_REQUIRED: 'true' },
      /^Invalid setting RABBITMQ_URL .*RABBITMQ_TLS_REQUIRED is true/,
    ],
    [
      'tls=false',
      { MONGODB_URI: 'mongodb://h/db?tls=false', MONGODB_TLS_REQUIRED: 'true' },
      /^Invalid setting MONGODB_URI .*MONGODB_TLS_REQUIRED is true/,
    ],
    [
      'mongodb+srv with ssl=false',
      { MONGODB_URI: 'mongodb+srv://cluster.example/db?ssl=false', MONGODB_TLS_REQUIRED: 'true' },
      /^Invalid setting MONGODB_URI /,
    ],
  ])('refuse %s while TLS is required', (_, env, line) => {
    const problems = problemsOf(() => worker(env));
    expect(problems).toEqual([expect.stringMatching(line)]);
  });

  it('take mongodb+srv:// as TLS, as the driver does', () => {
    expect(worker({ MONGODB_URI: 'mongodb+srv://cluster.example/db', MONGODB_TLS_REQUIRED: 'true' }).MONGODB_URI).toBe(
      'mongodb+srv://cluster.example/db',
    );
  });

  it('refuse a TLS file that cannot be read, naming the setting and why', () => {
    expect(
      problemsOf(() => worker({ RABBITMQ_TLS_CA_FILE: MISSING, MONGODB_TLS_CERT_KEY_FILE: dirname(__filename) })),
    ).toEqual([
      `Invalid setting RABBITMQ_TLS_CA_FILE (got "${MISSING}"): RABBITMQ_TLS_CA_FILE must name a readable file (no such file)`,
      `Invalid setting MONGODB_TLS_CERT_KEY_FILE (got "${dirname(__filename)}"): MONGODB_TLS_CERT_KEY_FILE must name a readable file (not a file)`,
    ]);
    expect(problemsOf(() => ingest({ NEO4J_TLS_CA_FILE: MISSING }))).toEqual([
      expect.stringMatching(/^Invalid setting NEO4J_TLS_CA_FILE .*no such file\)$/),
    ]);
  });

  it('want a client certificate and its key together', () => {
    expect(problemsOf(() => worker({ REDIS_TLS_CERT_FILE: READABLE }))).toEqual([
      'Invalid setting REDIS_TLS_KEY_FILE (missing): REDIS_TLS_KEY_FILE is required with REDIS_TLS_CERT_FILE',
    ]);
    expect(problemsOf(() => worker({ RABBITMQ_TLS_KEY_FILE: READABLE }))).toEqual([
      'Invalid setting RABBITMQ_TLS_CERT_FILE (missing): RABBITMQ_TLS_CERT_FILE is required with RABBITMQ_TLS_KEY_FILE',
    ]);
    expect(
      worker({ REDIS_TLS_CERT_FILE: READABLE, REDIS_TLS_KEY_FILE: READABLE, REDIS_TLS_CA_FILE: READABLE })
        .REDIS_TLS_CA_FILE,
    ).toBe(READABLE);
  });
});

describe('readTlsFiles', () => {
  const reader = (values: Record<string, string>) => ({ get: (name: string) => values[name] });

  it('reads the files that are set and leaves the others out', () => {
    const files = readTlsFiles(reader({ X_CA: READABLE, X_CERT: '' }), { ca: 'X_CA', cert: 'X_CERT', key: 'X_KEY' });
    expect(Object.keys(files)).toEqual(['ca']);
    expect(files.ca!.toString()).toContain("describe('readTlsFiles'");
  });

  it('reports a file gone since validation as a settings error naming it', () => {
    expect(problemsOf(() => readTlsFiles(reader({ X_CA: MISSING }), { ca: 'X_CA' }))).toEqual([
      `Invalid setting X_CA (got "${MISSING}"): cannot read it (ENOENT)`,
    ]);
  });
});
