import { describeFinding, scanTrackedFiles, SECRET_SETTINGS, waitFor } from '@app/testing';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_DIR } from './support/app.process';
import { Drill, DrillResult } from './support/drill-result';
import { DRILL_ADMIN_TOKEN, EventHarness } from './support/event.harness';
import { PATIENT_MARKER, PATIENT_MARKERS, ReportHarness } from './support/report.harness';
import { ROOT } from './support/stack.env';

/** Credentials written into code: passwords/tokens/keys assigned a literal, URLs with user:password@, key formats. */
const CREDENTIAL =
  /(password|passwd|secret|token|api_?key)['"]?\s*[:=]\s*['"][^'"$]{4,}['"]|[a-z]+:\/\/[^/:@\s'"]+:[^/@\s'"$]+@|\bsk-[A-Za-z0-9-]{6,}|BEGIN [A-Z ]*PRIVATE KEY|AKIA[0-9A-Z]{16}/i;
/** Where literal credentials are expected: the example env file and test fixtures (specs, test helpers, bench, drills). */
const ALLOWED_FILES = [/^\.env\.example$/, /^test\//, /\.spec\.ts$/, /^libs\/testing\//, /^bench\//, /^drills\//];
/**
 * The local stack's users, allowed but listed only where that stack is defined or documented:
 * RabbitMQ's guest user (loopback only) and the local Neo4j password. In app code (apps/, libs/)
 * they count as hard-coded credentials like any other.
 */
const LOCAL_DEFAULTS = [/guest:guest@/, /neo4j-password/];
const LOCAL_STACK_FILES = [/^docker-compose\.yml$/, /^scripts\/services\//, /^docs\//, /^README\.md$/];

function credentialScan(): { hits: string[]; localDefaults: string[] } {
  const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !/^data\/|package-lock\.json$|\.(png|jpg|ico)$/.test(f));
  const hits: string[] = [];
  const localDefaults: string[] = [];
  for (const file of files) {
    if (ALLOWED_FILES.some((re) => re.test(file))) continue;
    let text: string;
    try {
      text = readFileSync(join(ROOT, file), 'utf8');
    } catch {
      continue; // deleted in the working tree
    }
    text.split('\n').forEach((line, i) => {
      if (!CREDENTIAL.test(line)) return;
      const where = `${file}:${i + 1}`;
      const localDefault = LOCAL_DEFAULTS.some((re) => re.test(line)) && LOCAL_STACK_FILES.some((re) => re.test(file));
      (localDefault ? localDefaults : hits).push(where);
    });
  }
  return { hits, localDefaults };
}

async function post(url: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers });
  await response.arrayBuffer();
  return response.status;
}

/**
 * `doors`: admin endpoints refuse without ADMIN_TOKEN and with wrong ones (and the
 * guard compares with crypto.timingSafeEqual); no patient field value appears in any log the
 * drills captured; no credential is written into tracked files outside .env.example and fixtures,
 * and no admin token or report key in any tracked file at all.
 */
export const doorsDrill: Drill = {
  name: 'doors',
  async run(): Promise<DrillResult> {
    const started = Date.now();
    const checks: Record<string, boolean> = {};
    const notes: string[] = [];
    let sent = NaN;
    let refused = 0;
    const figures = { sent: NaN, confirmed: NaN, stored: NaN, duplicates: NaN, lost: NaN, deadLettered: NaN };
    const events = await new EventHarness('doors').start({ worker: false });
    try {
      const wrong = [
        {},
        { authorization: 'Bearer ' },
        { authorization: 'Bearer wrong' },
        { authorization: `Bearer ${DRILL_ADMIN_TOKEN.slice(0, -1)}x` },
        { 'x-admin-token': `x${DRILL_ADMIN_TOKEN}` },
        { 'x-admin-token': DRILL_ADMIN_TOKEN.toUpperCase() },
        { authorization: `Basic ${DRILL_ADMIN_TOKEN}` },
      ];
      const doors = ['/rabbitmq/queues/neo4j/purge', '/rabbitmq/queues/dlq/purge', '/rabbitmq/dlq/replay'];
      const statuses: number[] = [];
      const opened: string[] = [];
      for (const door of doors) {
        for (const headers of wrong) {
          const status = await post(`${events.apiUrl}${door}`, headers as Record<string, string>);
          statuses.push(status);
          if (status !== 401) opened.push(`${door} ${JSON.stringify(headers)} → ${status}`);
        }
      }
      const dlqPeek = await fetch(`${events.apiUrl}/rabbitmq/dlq`).then((r) => r.status);
      statuses.push(dlqPeek);
      if (dlqPeek !== 401) opened.push(`GET /rabbitmq/dlq → ${dlqPeek}`);
      if (opened.length) notes.push(`not refused: ${opened.join('; ')}`);
      sent = statuses.length;
      refused = statuses.filter((s) => s === 401).length;
      const right = await post(`${events.apiUrl}/rabbitmq/queues/neo4j/purge`, {
        authorization: `Bearer ${DRILL_ADMIN_TOKEN}`,
      });
      const guard = readFileSync(join(ROOT, 'apps/event-ingest/src/admin/admin-token.guard.ts'), 'utf8');
      checks['admin endpoints: 401 without or with a wrong token'] = refused === sent;
      checks['admin endpoints: the right token opens'] = right >= 200 && right < 300;
      checks['guard compares with crypto.timingSafeEqual'] =
        /timingSafeEqual\(/.test(guard) && !/token\s*===|===\s*this\.expected/.test(guard);
      notes.push(`${sent} calls without/with wrong tokens: ${refused} × 401; right token: ${right}`);
    } finally {
      await events.close();
    }

    // A worker at debug level, valid and invalid requests carrying the patient markers.
    const reports = await new ReportHarness('doors').open(0);
    try {
      const worker = await reports.addWorker({ LOG_LEVEL: 'debug' });
      await reports.waitReady(worker);
      await reports.publish(50);
      await reports.publishRaw([
        {
          id: 'doors-invalid',
          body: Buffer.from(
            JSON.stringify({ request_id: 'doors-invalid', patient: { name: PATIENT_MARKER, age: 'old' } }),
          ),
        },
      ]);
      await waitFor(() => reports.answered() === 50 && reports.failedResponses() >= 1, {
        timeoutMs: 120_000,
        intervalMs: 200,
        description: 'doors requests answered',
      });
      // The failed answer may go out a moment before the dead-letter copy.
      await waitFor(async () => (await reports.amqp.messageCount(reports.dlq)) >= 1, {
        timeoutMs: 10_000,
        intervalMs: 200,
      }).catch(() => undefined);
      const count = await reports.count();
      Object.assign(figures, {
        confirmed: reports.published.confirmed,
        stored: count.stored,
        duplicates: count.storedTwice,
        lost: 50 - count.succeeded,
        deadLettered: count.dlq,
      });
      figures.sent = sent + reports.published.sent;
      // The markers went all the way through the worker (stored, or refused into the DLQ), so their absence from the logs means something.
      checks['patient requests confirmed, each valid one stored once, the invalid one dead-lettered'] =
        reports.published.confirmed === 51 &&
        count.succeeded === 50 &&
        count.stored === 50 &&
        count.storedTwice === 0 &&
        count.dlq === 1;
      await worker.stop('SIGTERM');
      const logs = readdirSync(LOG_DIR).filter((f) => f.endsWith('.log'));
      const leaks = logs.filter((f) =>
        PATIENT_MARKERS.some((marker) => readFileSync(join(LOG_DIR, f), 'utf8').includes(marker)),
      );
      checks['no patient field value in any captured log'] = leaks.length === 0;
      notes.push(
        `scanned ${logs.length} captured process logs for ${PATIENT_MARKERS.length} patient values: ${leaks.length ? `found in ${leaks.join(', ')}` : 'none found'}`,
      );
    } finally {
      await reports.close();
    }

    const scan = credentialScan();
    checks['no credentials outside .env.example and fixtures'] = scan.hits.length === 0;
    notes.push(
      `credential scan of tracked files: ${scan.hits.length ? scan.hits.join(', ') : 'none'} outside the allow-list; local defaults allowed: ${scan.localDefaults.join(', ') || 'none'}`,
    );
    // The unit suite's scan (libs/testing), tests and fixtures included: those generate their secrets.
    const secrets = scanTrackedFiles(ROOT);
    checks['no usable token or key in any tracked file'] = secrets.length === 0;
    notes.push(
      `secret scan of tracked files (${SECRET_SETTINGS.join(', ')} given a value; 32-byte keys in base64): ${secrets.map(describeFinding).join(', ') || 'none'}`,
    );
    return {
      drill: 'doors',
      load: `${sent} admin calls, 51 report requests with patient markers, tracked files`,
      fault: 'missing/wrong admin token; patient values; hard-coded secrets',
      ...figures,
      recovery: '-',
      checks,
      notes,
      seconds: (Date.now() - started) / 1000,
    };
  },
};
