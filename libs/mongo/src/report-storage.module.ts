import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuditEvent, AuditEventSchema } from './audit-event.schema';
import { AuditEventsRepository } from './audit-events.repository';
import { KnowledgeBaseEntry, KnowledgeBaseEntrySchema } from './knowledge-base-entry.schema';
import { KnowledgeBaseRepository } from './knowledge-base.repository';
import { SealedMedicalReport, SealedMedicalReportSchema } from './medical-report.schema';
import { MedicalReportsRepository } from './medical-reports.repository';
import { ReportContent, ReportContentSchema } from './report-content.schema';
import { ReportContentsRepository } from './report-contents.repository';
import { ReportJob, ReportJobSchema } from './report-job.schema';
import { ReportJobsRepository } from './report-jobs.repository';
import { ReportRetentionSweeper } from './report-retention.sweeper';
import { User, UserSchema } from './user.schema';
import { UsersRepository } from './users.repository';

const repositories = [
  UsersRepository,
  MedicalReportsRepository,
  KnowledgeBaseRepository,
  ReportJobsRepository,
  ReportContentsRepository,
  AuditEventsRepository,
];

/** The report worker's collections and their repositories (needs MongoConnectionModule). */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: User.name, schema: UserSchema },
      { name: SealedMedicalReport.name, schema: SealedMedicalReportSchema },
      { name: KnowledgeBaseEntry.name, schema: KnowledgeBaseEntrySchema },
      { name: ReportJob.name, schema: ReportJobSchema },
      { name: ReportContent.name, schema: ReportContentSchema },
      { name: AuditEvent.name, schema: AuditEventSchema },
    ]),
  ],
  providers: [...repositories, ReportRetentionSweeper],
  exports: [...repositories, ReportRetentionSweeper],
})
export class ReportStorageModule {}
