/**
 * What sealing patient data costs a report: the stored report of a typical request (the
 * deterministic writer's) sealed and opened as MongoDB and Redis hold it, against the same value
 * as plain JSON in the same run (the baseline). CPU time per report and bytes, figures only.
 *   TS_NODE_SWC=true node -r ts-node/register -r tsconfig-paths/register bench/report-sealing.bench.ts
 */
import { ContentHmac, EnvelopeCipher, KeyRing } from '@app/crypto';
import { reportRequest, testSecrets } from '@app/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReportGenerationRequest } from '@app/contracts';
import { buildMedicalReport } from '../apps/report-worker/src/reports/report-document.builder';
import { labFindings } from '../apps/report-worker/src/reports/lab-findings';
import { DeterministicReportWriter } from '../apps/report-worker/src/reports/writers/deterministic.report-writer';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20_000);

/** Median microseconds per call of `work`, over 5 batches of ROUNDS / 5. */
function microsPerCall(work: (i: number) => unknown): number {
  const batch = Math.floor(ROUNDS / 5);
  const medians: number[] = [];
  for (let b = 0; b < 5; b++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) work(i);
    medians.push(Number(process.hrtime.bigint() - started) / 1000 / batch);
  }
  return Math.round(medians.sort((x, y) => x - y)[2] * 100) / 100;
}

async function main(): Promise<void> {
  const secrets = testSecrets();
  const cipher = new EnvelopeCipher(KeyRing.parse(secrets.REPORT_ENCRYPTION_KEYS));
  const hmac = new ContentHmac(secrets.REPORT_CONTENT_HMAC_KEY);
  const request = reportRequest() as unknown as ReportGenerationRequest;
  const findings = labFindings(request.labs);
  const draft = await new DeterministicReportWriter().write({ request, findings, knowledge: [] });
  const now = new Date();
  const report = buildMedicalReport({
    reportId: 'r-1',
    contentHash: 'h',
    request,
    findings,
    knowledge: [],
    draft,
    startedAt: performance.now(),
    now,
    expiresAt: now,
  });
  const plain = JSON.stringify(report);
  const sealed = cipher.sealJson(report, 'report:r-1');

  // Warm up both paths before measuring.
  microsPerCall(() => JSON.parse(JSON.stringify(report)));
  microsPerCall(() => cipher.openJson(cipher.sealJson(report, 'report:r-1'), 'report:r-1'));
  const figures = {
    rounds: ROUNDS,
    report_bytes_plain: Buffer.byteLength(plain),
    report_bytes_sealed: Buffer.byteLength(sealed),
    plain_stringify_us: microsPerCall(() => JSON.stringify(report)),
    seal_us: microsPerCall(() => cipher.sealJson(report, 'report:r-1')),
    plain_parse_us: microsPerCall(() => JSON.parse(plain)),
    open_us: microsPerCall(() => cipher.openJson(sealed, 'report:r-1')),
    rewrap_us: microsPerCall(() => cipher.rewrap(sealed)),
    content_hmac_us: microsPerCall(() => hmac.of(request)),
  };
  const perReport =
    Math.round(
      (figures.seal_us * 2 + figures.open_us + figures.content_hmac_us - figures.plain_stringify_us * 2) * 100,
    ) / 100;
  process.stdout.write(
    [
      `report sealing (${ROUNDS} rounds, median of 5 batches)`,
      `  size             plain ${figures.report_bytes_plain} B   sealed ${figures.report_bytes_sealed} B (+${Math.round((figures.report_bytes_sealed / figures.report_bytes_plain - 1) * 100)} %)`,
      `  write            JSON.stringify ${figures.plain_stringify_us} µs   sealJson ${figures.seal_us} µs`,
      `  read             JSON.parse ${figures.plain_parse_us} µs   openJson ${figures.open_us} µs`,
      `  rotation         rewrap ${figures.rewrap_us} µs   content fingerprint (HMAC) ${figures.content_hmac_us} µs`,
      `  a fresh report seals twice (MongoDB, Redis) and fingerprints once: ~${perReport} µs of CPU more than plain JSON`,
      '',
    ].join('\n'),
  );
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(
    join(__dirname, 'results', 'report-sealing.json'),
    JSON.stringify({ ...figures, extra_cpu_us_per_fresh_report: perReport, node: process.version }, null, 2),
  );
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
