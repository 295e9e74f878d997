import {
  AuditEvent,
  AuditEventSchema,
  AuditEventsRepository,
  MedicalReportsRepository,
  ReportJob,
  ReportJobSchema,
  ReportJobsRepository,
  ReportRetention,
  SealedMedicalReport,
  SealedMedicalReportSchema,
} from '@app/mongo';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { MongooseModule } from '@nestjs/mongoose';
import { consoleCipherProvider } from './console-cipher.provider';

const repositories = [ReportJobsRepository, MedicalReportsRepository, AuditEventsRepository];

/**
 * The report worker's MongoDB as the console reads it (CONSOLE_MONGODB_URI): jobs, reports and the
 * audit trail it appends each report view to. Connected lazily, so the API starts, and takes
 * events, while that database is away; builds no index (the worker owns the collections).
 */
@Module({})
export class ConsoleReportStoreModule {
  static forRoot(): DynamicModule {
    return {
      module: ConsoleReportStoreModule,
      imports: [
        MongooseModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            uri: config.getOrThrow<string>('CONSOLE_MONGODB_URI'),
            serverSelectionTimeoutMS: 5000,
            connectTimeoutMS: 5000,
            socketTimeoutMS: 10_000,
            maxPoolSize: 2,
            writeConcern: { w: 'majority', journal: true, wtimeoutMS: 10_000 },
            bufferCommands: false,
            autoIndex: false,
            autoCreate: false,
            lazyConnection: true,
          }),
        }),
        MongooseModule.forFeature([
          { name: ReportJob.name, schema: ReportJobSchema },
          { name: SealedMedicalReport.name, schema: SealedMedicalReportSchema },
          { name: AuditEvent.name, schema: AuditEventSchema },
        ]),
      ],
      providers: [
        ...repositories,
        consoleCipherProvider,
        // The console writes no job: retention is the worker's to stamp.
        { provide: ReportRetention, useValue: new ReportRetention(0) },
      ],
      exports: repositories,
    };
  }
}
