import { ReportGenerationRequest } from '@app/contracts';
import { ContentHmac } from '@app/crypto';
import { ReportJob, ReportRetention } from '@app/mongo';
import { reportRequest } from '@app/testing';
import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ReportMetrics } from '../metrics/report.metrics';
import { JobBusyError } from './failure.classifier';
import { JobDelivery, ReportGenerationService } from './report-generation.service';
import { DeterministicReportWriter } from './writers/deterministic.report-writer';
import { ReportWriter } from './writers/report-writer.port';

type ClaimOptions = { takeover: boolean; ownLease: boolean; countAttempt: boolean };

/** In-memory stand-ins that log every MongoDB round trip the service makes, by repository method. */
function world(writer: ReportWriter = new DeterministicReportWriter()) {
  const trips: string[] = [];
  const jobs = new Map<string, ReportJob>();
  const reports = new Set<string>();
  const contents = new Map<string, { report_id: string; created_at: Date }>();
  const redis = new Map<string, unknown>();
  const log = <T>(name: string, value: T) => (trips.push(name), Promise.resolve(value));
  const fakes = {
    jobs: {
      findByRequestId: (id: string) => log('jobs.find', jobs.has(id) ? { ...jobs.get(id)! } : null),
      claim: (job: ReportJob, owner: string, leaseMs: number, options: ClaimOptions) => {
        const current = jobs.get(job.request_id);
        const lease = { status: 'processing', lease_owner: owner, lease_until: new Date(Date.now() + leaseMs) };
        if (!current) {
          jobs.set(job.request_id, { ...job, ...lease, attempts: 1 } as ReportJob);
          return log('jobs.claim', 'created');
        }
        const leased = current.status === 'processing' && current.lease_until! > new Date();
        const free = options.takeover || !leased || (options.ownLease && current.lease_owner === owner);
        if (current.status === 'completed' || !free) return log('jobs.claim', 'refused');
        Object.assign(current, { ...lease, attempts: current.attempts + (options.countAttempt ? 1 : 0) });
        return log('jobs.claim', 'taken');
      },
      complete: (id: string, reportId: string) =>
        log('jobs.complete', Object.assign(jobs.get(id)!, { status: 'completed', report_id: reportId }) && undefined),
    },
    reports: {
      insertOnce: (report: { report_id: string }) => log('reports.insert', reports.add(report.report_id) && undefined),
      exists: (id: string) => log('reports.exists', reports.has(id)),
    },
    contents: {
      find: (user: string, hash: string) => log('contents.find', contents.get(`${user}:${hash}`) ?? null),
      record: (user: string, hash: string, reportId: string, now: Date) =>
        log('contents.record', contents.set(`${user}:${hash}`, { report_id: reportId, created_at: now }) && undefined),
    },
    users: { touch: () => log('users.touch', undefined) },
    knowledgeBase: { forCategories: async () => [] },
    cache: {
      setInput: async (user: string, input: unknown) => void redis.set(`input:${user}`, input),
      setReport: async (report: { report_id: string }) => void redis.set(`report:${report.report_id}`, report),
    },
  };
  const config = { get: (key: string) => ({ OPENAI_TIMEOUT_MS: 1000, REPORT_CACHE_TTL: 3600 })[key] };
  const service = new ReportGenerationService(
    fakes.jobs as never,
    fakes.reports as never,
    fakes.contents as never,
    fakes.users as never,
    fakes.knowledgeBase as never,
    fakes.cache as never,
    new ReportMetrics(),
    writer,
    new ContentHmac(randomBytes(32).toString('base64')),
    new ReportRetention(24 * 3600 * 1000),
    config as never,
  );
  const run = async (request: Record<string, unknown>, redelivered = false) => {
    trips.length = 0;
    const response = await service.generate(request as unknown as ReportGenerationRequest, {
      redelivered,
      claimed: false,
    });
    return { response, trips: [...trips].sort() };
  };
  return { run, jobs, contents, redis, service };
}

describe('ReportGenerationService round trips (every one a primary-key lookup or a single-document write)', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('a fresh report: claim beside the reuse lookup (no read of the job), user, store, complete + record content', async () => {
    const { run } = world();
    const { response, trips } = await run(reportRequest());
    expect(response).toMatchObject({ status: 'success', reused: false, attempts: 1 });
    expect(trips).toEqual([
      'contents.find',
      'contents.record',
      'jobs.claim',
      'jobs.complete',
      'reports.insert',
      'users.touch',
    ]);
  });

  it('hands a new report to onStored once it is stored, beside the completion; an answer from the ledger, not', async () => {
    const { service } = world();
    const request = reportRequest() as unknown as ReportGenerationRequest;
    const stored: Array<[string, boolean]> = [];
    const onStored = async (response: { report_id: string }) => void stored.push([response.report_id, true]);
    const first = await service.generate(request, { redelivered: false, claimed: false }, undefined, onStored);
    expect(stored).toEqual([[first.report_id, true]]);
    await service.generate(request, { redelivered: false, claimed: false }, undefined, onStored);
    expect(stored).toHaveLength(1);
  });

  it('waits for every write after the report is stored before failing with the first error', async () => {
    const { service } = world();
    let auditDone = false;
    const onStored = () => new Promise<void>((resolve) => setTimeout(() => resolve(void (auditDone = true)), 20));
    const request = reportRequest() as unknown as ReportGenerationRequest;
    const store = service as unknown as { contents: { record: () => Promise<void> } };
    store.contents.record = () => Promise.reject(new Error('MongoDB away'));
    await expect(
      service.generate(request, { redelivered: false, claimed: false }, undefined, onStored),
    ).rejects.toThrow('MongoDB away');
    expect(auditDone).toBe(true);
  });

  it('a failed reuse lookup is thrown only once the claim beside it has settled, so a try again counts no second attempt', async () => {
    const { service, jobs } = world();
    const request = reportRequest() as unknown as ReportGenerationRequest;
    const store = service as unknown as {
      contents: { find: () => Promise<null> };
      jobs: { claim: (...args: unknown[]) => Promise<unknown> };
    };
    const { find } = store.contents;
    const claim = store.jobs.claim.bind(store.jobs);
    store.jobs.claim = (...args) => new Promise((resolve) => setTimeout(() => resolve(claim(...args)), 20));
    store.contents.find = () => Promise.reject(new Error('MongoDB away'));
    const delivery = { redelivered: false, claimed: false };
    await expect(service.generate(request, delivery)).rejects.toThrow('MongoDB away');
    expect(delivery.claimed).toBe(true);
    store.contents.find = find;
    expect(await service.generate(request, delivery)).toMatchObject({ status: 'success', attempts: 1 });
    expect(jobs.get(request.request_id)).toMatchObject({ attempts: 1, status: 'completed' });
  });

  it('skips the users upsert for a user this process upserted recently', async () => {
    const { run } = world();
    const first = reportRequest();
    await run(first);
    const { trips } = await run(reportRequest({ user_id: first.user_id }));
    expect(trips).not.toContain('users.touch');
  });

  it('the same request_id again: the claim is refused and the ledger answers (the reuse index is read beside it)', async () => {
    const { run } = world();
    const request = reportRequest();
    const first = await run(request);
    const { response, trips } = await run(request);
    expect(response).toMatchObject({ reused: true, reused_by: 'request_id', report_id: first.response.report_id });
    expect(trips).toEqual(['contents.find', 'jobs.claim', 'jobs.find']);
  });

  it('the same content with a new request_id: the reuse index answers by primary key, the new job is completed with that report', async () => {
    const { run, jobs } = world();
    const request = reportRequest();
    const first = await run(request);
    const { response, trips } = await run({ ...request, request_id: 'again' });
    expect(response).toMatchObject({ reused: true, reused_by: 'content_hash', report_id: first.response.report_id });
    expect(trips).toEqual(['contents.find', 'jobs.claim', 'jobs.complete']);
    expect(jobs.get('again')).toMatchObject({ status: 'completed', report_id: first.response.report_id });
  });

  it('a report gone from the reuse index (deleted or expired) is not reused, whatever Redis still holds of it', async () => {
    const { run, contents, redis } = world();
    const request = reportRequest();
    const first = await run(request);
    contents.clear();
    expect(redis.has(`report:${first.response.report_id}`)).toBe(true);
    const { response } = await run({ ...request, request_id: 'again' });
    expect(response).toMatchObject({ reused: false });
    expect(response.report_id).not.toBe(first.response.report_id);
  });

  it('postpones a request another live delivery holds: its claim is refused and the job is left as it was', async () => {
    const { run, jobs } = world();
    const request = reportRequest();
    jobs.set(request.request_id, {
      request_id: request.request_id,
      status: 'processing',
      attempts: 1,
      report_id: 'r-held',
      lease_until: new Date(Date.now() + 60_000),
    } as ReportJob);
    await expect(run(request)).rejects.toBeInstanceOf(JobBusyError);
    expect(jobs.get(request.request_id)).toMatchObject({ status: 'processing', attempts: 1, report_id: 'r-held' });
  });

  it('takes over its own lease left by an earlier delivery of this process instead of postponing', async () => {
    const writer = new DeterministicReportWriter();
    const failing = { write: jest.fn(writer.write.bind(writer)).mockRejectedValueOnce(new Error('LLM unavailable')) };
    const { run, jobs } = world(failing as unknown as ReportWriter);
    const request = reportRequest();
    // The first delivery fails after its claim, and its release never reaches the store.
    await expect(run(request)).rejects.toThrow('LLM unavailable');
    expect(jobs.get(request.request_id)).toMatchObject({ status: 'processing', attempts: 1 });
    const { response } = await run(request);
    expect(response).toMatchObject({ status: 'success', attempts: 2, reused: false });
  });

  it('waits for its own lease while another delivery of the request is at work in this process', async () => {
    const { service, jobs } = world();
    const request = reportRequest() as unknown as ReportGenerationRequest;
    await service.forDelivery(request.request_id, false, async (first) => {
      await service.generate(request, first);
      Object.assign(jobs.get(request.request_id)!, {
        status: 'processing',
        lease_until: new Date(Date.now() + 60_000),
      });
      await service.forDelivery(request.request_id, false, (second) =>
        expect(service.generate(request, second)).rejects.toBeInstanceOf(JobBusyError),
      );
    });
  });

  it('another try of the same delivery renews its claim without counting an attempt', async () => {
    const writer = new DeterministicReportWriter();
    const failing = { write: jest.fn(writer.write.bind(writer)).mockRejectedValueOnce(new Error('MongoDB away')) };
    const { service, jobs } = world(failing as unknown as ReportWriter);
    const request = reportRequest() as unknown as ReportGenerationRequest;
    const delivery: JobDelivery = { redelivered: false, claimed: false };
    await expect(service.generate(request, delivery)).rejects.toThrow('MongoDB away');
    expect(delivery.claimed).toBe(true);
    expect(await service.generate(request, delivery)).toMatchObject({ status: 'success', attempts: 1 });
    expect(jobs.get(request.request_id)).toMatchObject({ status: 'completed', attempts: 1 });
  });

  it('a retried job whose report an earlier delivery already stored is completed, not written again', async () => {
    const { run, jobs } = world();
    const request = reportRequest();
    await run(request);
    const job = jobs.get(request.request_id)!;
    Object.assign(job, { status: 'pending' });
    const { response, trips } = await run(request, true);
    expect(response).toMatchObject({ reused_by: 'request_id', report_id: job.report_id, attempts: 2 });
    expect(trips).not.toContain('reports.insert');
  });
});
