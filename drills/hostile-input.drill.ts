import { waitFor } from '@app/testing';
import { Agent, request } from 'node:http';
import { httpStatus } from './support/app.process';
import { Drill, DrillResult } from './support/drill-result';
import { EventHarness } from './support/event.harness';
import { HostileCase, hostileCases } from './support/hostile-cases';
import { hostileReportMessages } from './support/hostile-reports';
import { liveHeapMbAfterGc } from './support/heap-probe';
import { ReportHarness } from './support/report.harness';
import { runSchemathesis } from './support/schemathesis.runner';
import { freePort, sleep } from './support/stack.env';

const HTTP_CASES = Number(process.env.DRILL_FUZZ_CASES ?? 10_000);
const REPORT_MESSAGES = Number(process.env.DRILL_HOSTILE_REPORTS ?? 1000);
const MAIN_ROUNDS = 3;

interface Answer {
  status: number;
  body: string;
}

function send(baseUrl: string, agent: Agent, item: HostileCase): Promise<Answer> {
  const url = new URL(item.path, baseUrl);
  const headers: Record<string, string | number> = { 'content-length': item.body.length };
  if (item.contentType !== '') headers['content-type'] = item.contentType ?? 'application/json';
  return new Promise((resolve) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ status: 0, body: error.message }));
    req.end(item.body);
  });
}

/** A 4xx "names the problem": a JSON body whose message says more than the status text. */
function namesProblem(item: HostileCase, answer: Answer): boolean {
  let message = '';
  try {
    const parsed = JSON.parse(answer.body) as { message?: string | string[] };
    message = Array.isArray(parsed.message) ? parsed.message.join('; ') : String(parsed.message ?? '');
  } catch {
    return false;
  }
  // 413 and 415 are the problem themselves (size, media type); a bare "Bad Request" names nothing.
  if (!message || /^Bad Request$/i.test(message)) return false;
  return answer.status !== 400 || !item.names || message.includes(item.names);
}

/** Our own generator: every case once, 32 at a time, keep-alive. */
async function fuzzHttp(baseUrl: string, cases: HostileCase[]) {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const byStatus = new Map<number, number>();
  const unnamed: string[] = [];
  const serverErrors: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < cases.length) {
        const index = next++;
        const item = cases[index];
        const answer = await send(baseUrl, agent, item);
        byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
        if (answer.status >= 500 || answer.status === 0)
          serverErrors.push(`#${index} ${item.kind} ${item.path}: ${answer.status} ${answer.body.slice(0, 200)}`);
        else if (answer.status >= 400 && !namesProblem(item, answer))
          unnamed.push(`#${index} ${item.kind}: ${answer.status} ${answer.body.slice(0, 200)}`);
      }
    }),
  );
  agent.destroy();
  return { byStatus, unnamed, serverErrors };
}

const statusList = (byStatus: Map<number, number>) =>
  [...byStatus]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}×${n}`)
    .join(', ');

/**
 * `hostile-input`: HTTP: schemathesis from /docs-json plus 10,000+ generated cases; no
 * 5xx, the API never restarts, every 4xx names the problem. Report queue: malformed, truncated,
 * huge and wrongly typed messages, each answered `failed` and dead-lettered exactly once, the
 * consumer keeps running, memory flat (live heap after a GC, after a warm-up and each equal round).
 */
export const hostileInputDrill: Drill = {
  name: 'hostile-input',
  async run(): Promise<DrillResult> {
    const started = Date.now();
    const notes: string[] = [];
    const checks: Record<string, boolean> = {};
    const events = await new EventHarness('hostile').start({ worker: false });
    // HTTP requests sent, and those answered 202 (the API answers 202 only on the broker's confirm).
    let httpSent = NaN;
    let httpConfirmed = NaN;
    try {
      const pid = events.api.pid;
      const cases = hostileCases(HTTP_CASES);
      const own = await fuzzHttp(events.apiUrl, cases);
      const st = await runSchemathesis(events.apiUrl);
      httpSent = cases.length + st.requests;
      httpConfirmed = (own.byStatus.get(202) ?? 0) + (st.byStatus.get(202) ?? 0);
      const stServerErrors = [...st.byStatus]
        .filter(([status]) => status >= 500 || status === 0)
        .reduce((sum, [, n]) => sum + n, 0);
      notes.push(
        `HTTP: ${cases.length} generated cases (${statusList(own.byStatus)}); schemathesis: ${st.ran ? `${st.generated} cases, ${st.requests} requests (${statusList(st.byStatus)}), ${st.uniqueFailures} unique failures, ${st.errored} errored cases, ${st.errors} errors (${st.summary})` : st.problem}`,
      );
      if (own.serverErrors.length) notes.push(`5xx/no answer: ${own.serverErrors.slice(0, 5).join(' | ')}`);
      if (own.unnamed.length)
        notes.push(`4xx not naming the problem (${own.unnamed.length}): ${own.unnamed.slice(0, 5).join(' | ')}`);
      checks['HTTP: 0 answers of 5xx (own generator)'] = own.serverErrors.length === 0;
      checks['HTTP: schemathesis ran, 0 failures or errors, 0 answers of 5xx (not_a_server_error)'] =
        st.ran &&
        st.requests > 0 &&
        st.uniqueFailures === 0 &&
        st.errored === 0 &&
        st.errors === 0 &&
        stServerErrors === 0;
      checks['HTTP: every 4xx names the problem'] = own.unnamed.length === 0;
      checks['HTTP: API never restarted'] =
        events.api.running && events.api.pid === pid && (await httpStatus(events.api.healthUrl!)).status === 200;
    } finally {
      await events.close();
    }

    const reports = await new ReportHarness('hostile').open(0);
    try {
      const inspectPort = await freePort();
      const worker = await reports.addWorker({ NODE_OPTIONS: `--inspect-port=127.0.0.1:${inspectPort}` });
      await reports.waitReady(worker);
      // Equal rounds after a warm-up. Judged on the live heap after a full GC, read through the
      // inspector: RSS keeps whatever peak a round's concurrent 2 MB messages reached, so it is
      // reported but cannot tell a leak from a high-water mark.
      const sent: Array<{ id: string; kind: string }> = [];
      const rssAfterRound: number[] = [];
      const heapAfterRound: number[] = [];
      for (const round of ['warm', ...Array.from({ length: MAIN_ROUNDS }, (_, i) => `main${i + 1}`)]) {
        const messages = hostileReportMessages(REPORT_MESSAGES, round);
        await reports.publishRaw(messages);
        sent.push(...messages);
        await waitFor(() => reports.failedResponses() >= sent.length, {
          timeoutMs: 300_000,
          intervalMs: 250,
          description: `${round} round answered`,
        });
        await sleep(1000);
        rssAfterRound.push(worker.rssMb());
        heapAfterRound.push(await liveHeapMbAfterGc(worker.pid, inspectPort));
      }
      const total = sent.length;
      const heapGrowth = heapAfterRound[heapAfterRound.length - 1] - heapAfterRound[1];
      const dlq = await reports.dlqMessageIds();
      const ids = sent.map((m) => m.id);
      const once = ids.filter((id) => dlq.get(id) === 1).length;
      const missing = ids.filter((id) => !dlq.has(id)).length;
      const stored = await reports.storedReports();
      const consumers = (await reports.amqp.channel.checkQueue(reports.queue)).consumerCount;
      notes.push(
        `report queue: ${total} hostile messages (${[...new Set(sent.map((m) => m.kind))].join(', ')}), ${reports.failedResponses()} failed responses, DLQ ${dlq.size} distinct / ${[...dlq.values()].reduce((a, b) => a + b, 0)} copies; after the warm-up and each of ${MAIN_ROUNDS} equal rounds: live heap after GC ${heapAfterRound.join(' → ')} MB, RSS ${rssAfterRound.join(' → ')} MB (peak ${worker.peakRssMb()} MB)`,
      );
      checks['reports: each confirmed by the broker'] = reports.published.confirmed === total;
      checks['reports: each answered failed'] = reports.failedResponses() === total && reports.successResponses() === 0;
      checks['reports: none stored'] = stored === 0;
      checks['reports: each dead-lettered exactly once'] = once === total && dlq.size === total;
      checks['reports: consumer still running'] = worker.running && worker.starts === 1 && consumers === 1;
      checks[`reports: live heap flat over ${MAIN_ROUNDS - 1} more equal rounds (< +20 MB)`] = heapGrowth < 20;
      return {
        drill: 'hostile-input',
        load: `${HTTP_CASES}+ HTTP cases + schemathesis; ${total} bad report messages`,
        fault:
          'wrong types, missing/unknown fields, huge, deep, invalid UTF-8, wrong content types; malformed/truncated/huge/mistyped messages',
        sent: httpSent + reports.published.sent,
        confirmed: httpConfirmed + reports.published.confirmed,
        stored,
        duplicates: [...dlq.values()].filter((n) => n > 1).length,
        lost: missing,
        deadLettered: dlq.size,
        recovery: `no restart; heap after GC ${heapAfterRound.join(' → ')} MB`,
        checks,
        notes,
        seconds: (Date.now() - started) / 1000,
      };
    } finally {
      await reports.close();
    }
  },
};
