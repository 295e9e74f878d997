import { ReportWorkerEnv } from '@app/config';
import { QueueAdminService, REPORT_TOPOLOGY, reportTopologyFrom } from '@app/messaging';
import { ReportStorageModule } from '@app/mongo';
import { Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ReportAccessService } from '../access/report-access.service';
import { ReportCacheService } from '../cache/report-cache.service';
import { KnowledgeBaseService } from './knowledge-base.service';
import { ReportGenerationService } from './report-generation.service';
import { ReportOutcomePublisher } from './report-outcome.publisher';
import { ReportQueryService } from './report-query.service';
import { ReportRequestService } from './report-request.service';
import { RequestHoldService } from './request-hold.service';
import { DeterministicReportWriter } from './writers/deterministic.report-writer';
import { REPORT_WRITER } from './writers/report-writer.port';
import { WebhookJobPublisher } from '../webhooks/webhook-job.publisher';
import { WebhookJobs } from '../webhooks/webhook-jobs.service';
import { WebhookUrlPolicy } from '../webhooks/webhook-url.policy';

/** The report slice: services and writers (its message controller is the transport's, ReportTransportModule). */
@Module({
  imports: [ReportStorageModule],
  providers: [
    {
      provide: REPORT_TOPOLOGY,
      inject: [ConfigService],
      useFactory: reportTopologyFrom,
    },
    {
      provide: REPORT_WRITER,
      inject: [ConfigService],
      useFactory: async (config: ConfigService<ReportWorkerEnv, true>) => {
        const llm = Boolean(config.get('OPENAI_API_KEY', { infer: true }));
        new Logger('ReportWriter').log(
          llm ? 'reports are written by the LLM' : 'no OPENAI_API_KEY: deterministic report writer',
        );
        if (!llm) return new DeterministicReportWriter();
        // Loaded only when used: the openai SDK is about 20 MB of resident memory.
        const { LlmReportWriter } = await import('./writers/llm.report-writer');
        return new LlmReportWriter(config);
      },
    },
    ReportAccessService,
    QueueAdminService,
    ReportCacheService,
    KnowledgeBaseService,
    ReportOutcomePublisher,
    ReportGenerationService,
    ReportRequestService,
    ReportQueryService,
    RequestHoldService,
    { provide: WebhookUrlPolicy, inject: [ConfigService], useFactory: WebhookUrlPolicy.fromConfig },
    WebhookJobPublisher,
    WebhookJobs,
  ],
  // RequestHoldService: readiness names what the held requests wait for. The services: what the transport calls.
  exports: [
    REPORT_TOPOLOGY,
    RequestHoldService,
    QueueAdminService,
    ReportRequestService,
    ReportQueryService,
    ReportAccessService,
    ReportOutcomePublisher,
    WebhookUrlPolicy,
    WebhookJobPublisher,
  ],
})
export class ReportsModule {}
