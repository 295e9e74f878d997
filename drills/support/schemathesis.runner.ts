import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './stack.env';

export interface SchemathesisRun {
  /** False when it could not run or its report could not be read; `problem` says why. */
  ran: boolean;
  problem?: string;
  /** Test cases it generated (its JSON report) and the HTTP requests it recorded, by status (its NDJSON events; 0 = no response). */
  generated: number;
  requests: number;
  byStatus: Map<number, number>;
  uniqueFailures: number;
  /** Cases that errored and operations it could not test: either means part of the API went untested. */
  errored: number;
  errors: number;
  summary: string;
}

interface JsonReport {
  exit_code: number;
  stop_reason?: string;
  test_cases: { generated: number; unique_failures: number; errored: number };
  errors: unknown[];
  operations: { selected: number; tested: number };
}

/** HTTP statuses of every recorded interaction in the NDJSON event stream. */
function statusesOf(ndjson: string): Map<number, number> {
  const byStatus = new Map<number, number>();
  for (const line of ndjson.split('\n')) {
    if (!line.includes('"ScenarioFinished"')) continue;
    const interactions =
      (
        JSON.parse(line) as {
          ScenarioFinished: {
            recorder?: { interactions?: Record<string, { response?: { status_code: number } | null }> };
          };
        }
      ).ScenarioFinished.recorder?.interactions ?? {};
    for (const { response } of Object.values(interactions)) {
      const status = response?.status_code ?? 0;
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    }
  }
  return byStatus;
}

const notRun = (problem: string): SchemathesisRun => ({
  ran: false,
  problem,
  generated: NaN,
  requests: NaN,
  byStatus: new Map(),
  uniqueFailures: NaN,
  errored: NaN,
  errors: NaN,
  summary: problem,
});

/**
 * schemathesis (installed by drills/run.sh into the drills' virtualenv, DRILLS_SCHEMATHESIS) against
 * the API's own OpenAPI document, bounded in examples and time. Its figures come from the reports it
 * writes (JSON: cases and failures; NDJSON: every request and its status), never from its console text.
 */
export function runSchemathesis(baseUrl: string): Promise<SchemathesisRun> {
  const st = process.env.DRILLS_SCHEMATHESIS;
  if (!st || !existsSync(st))
    return Promise.resolve(
      notRun(
        `schemathesis not found (DRILLS_SCHEMATHESIS=${st ?? 'unset'}): run the drills with npm run drills, which installs it`,
      ),
    );
  const reportDir = join(ROOT, 'drills/results/schemathesis');
  const jsonPath = join(reportDir, 'run.json');
  const ndjsonPath = join(reportDir, 'events.ndjson');
  mkdirSync(reportDir, { recursive: true });
  rmSync(jsonPath, { force: true });
  rmSync(ndjsonPath, { force: true });
  const args = [
    'run',
    `${baseUrl}/docs-json`,
    '--url',
    baseUrl,
    '--include-path-regex',
    '^/events',
    '--checks',
    'not_a_server_error',
    '--max-examples',
    process.env.DRILL_ST_EXAMPLES ?? '300',
    '--max-time',
    process.env.DRILL_ST_SECONDS ?? '60',
    '--workers',
    '4',
    '--seed',
    '5',
    '--report',
    'json,ndjson',
    '--report-json-path',
    jsonPath,
    '--report-ndjson-path',
    ndjsonPath,
    '--no-color',
  ];
  // cwd: schemathesis keeps its example database in ./.schemathesis; keep it out of the repo root.
  return new Promise((resolve) =>
    execFile(st, args, { cwd: reportDir, maxBuffer: 32 * 1024 * 1024, timeout: 240_000 }, (error, stdout, stderr) => {
      const output = `${stdout}\n${stderr}`;
      let report: JsonReport;
      let byStatus: Map<number, number>;
      try {
        report = JSON.parse(readFileSync(jsonPath, 'utf8')) as JsonReport;
        byStatus = statusesOf(readFileSync(ndjsonPath, 'utf8'));
      } catch (readError) {
        const why = error
          ? `it failed: ${error.message.slice(0, 200)}`
          : `its report is unreadable: ${(readError as Error).message}`;
        return resolve(notRun(`schemathesis ran but ${why}; ${output.split('\n').slice(-5).join(' / ')}`));
      }
      const requests = [...byStatus.values()].reduce((a, b) => a + b, 0);
      const { generated, unique_failures: uniqueFailures, errored } = report.test_cases;
      const summary = `exit ${report.exit_code}, stopped by ${report.stop_reason ?? '?'}, ${report.operations.tested}/${report.operations.selected} operations tested`;
      resolve({
        ran: true,
        generated,
        requests,
        byStatus,
        uniqueFailures,
        errored,
        errors: report.errors.length,
        summary,
      });
    }),
  );
}
