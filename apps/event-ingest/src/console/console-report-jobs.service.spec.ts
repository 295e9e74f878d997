import { EnvelopeCipher, KeyRing } from '@app/crypto';
import { randomBytes } from 'node:crypto';
import { ConsoleReportJobsService, ReportStoreNotConfiguredError } from './console-report-jobs.service';

const cipher = new EnvelopeCipher(KeyRing.parse(`k1:${randomBytes(32).toString('base64')}`));
const viewer = { client: '10.0.0.7' };

function store(owner: string | null, auditFails = false) {
  const steps: string[] = [];
  const reports = {
    ownerOf: jest.fn(async () => owner),
    findByReportId: jest.fn(async (report_id: string) => {
      steps.push('opened');
      return { report_id, user_id: owner, created_at: new Date(0), markdown_content: '# report' };
    }),
  };
  const audit = {
    append: jest.fn(async (record: { outcome: string }) => {
      if (auditFails) throw new Error('audit trail unreachable');
      steps.push(`audited ${record.outcome}`);
    }),
  };
  return { reports, audit, steps };
}

describe('ConsoleReportJobsService', () => {
  it('records the view in the audit trail before it opens the report', async () => {
    const { reports, audit, steps } = store('u-1');
    const service = new ConsoleReportJobsService({} as never, reports as never, audit as never, cipher);
    expect(await service.report('rep-1', viewer)).toMatchObject({ report_id: 'rep-1', markdown: '# report' });
    expect(steps).toEqual(['audited found', 'opened']);
    expect(audit.append).toHaveBeenCalledWith(
      expect.objectContaining({
        action: 'report.get',
        actor: 'console@10.0.0.7',
        actor_via: 'operator',
        user_id: 'u-1',
      }),
    );
  });

  it('shows nothing when the audit trail cannot take the record', async () => {
    const { reports, audit, steps } = store('u-1', true);
    const service = new ConsoleReportJobsService({} as never, reports as never, audit as never, cipher);
    await expect(service.report('rep-1', viewer)).rejects.toThrow('audit trail unreachable');
    expect(steps).toEqual([]);
  });

  it('audits a look for a report that is not there, and answers null', async () => {
    const { reports, audit, steps } = store(null);
    const service = new ConsoleReportJobsService({} as never, reports as never, audit as never, cipher);
    expect(await service.report('rep-x', viewer)).toBeNull();
    expect(steps).toEqual(['audited not_found']);
  });

  it('refuses to open a report without the key ring, before reading anything', async () => {
    const { reports, audit } = store('u-1');
    const service = new ConsoleReportJobsService({} as never, reports as never, audit as never);
    await expect(service.report('rep-1', viewer)).rejects.toThrow(ReportStoreNotConfiguredError);
    expect(reports.ownerOf).not.toHaveBeenCalled();
  });

  it("says it is not configured without the report worker's MongoDB", async () => {
    const service = new ConsoleReportJobsService();
    expect(service.configured).toBe(false);
    await expect(service.find({ user_id: 'u-1' })).rejects.toThrow(/CONSOLE_MONGODB_URI/);
  });
});
