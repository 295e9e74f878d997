import { REPORT_TOPOLOGY, ReportDeadLettersService, reportTopology, queueKindFrom } from '@app/messaging';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AdminModule } from '../admin/admin.module';
import { ConsoleApiHttpController } from './console-api.http.controller';
import { ConsoleAuthGuard } from './console-auth.guard';
import { ConsoleDeadLettersService } from './console-dead-letters.service';
import { consoleCipherProvider } from './console-cipher.provider';
import { ConsolePageHttpController } from './console-page.http.controller';
import { ConsoleReportJobsService } from './console-report-jobs.service';
import { ConsoleReportStoreModule } from './console-report-store.module';
import { ConsoleQueuesService } from './console-queues.service';
import { ConsoleSessions } from './console-session';

const HOUR_MS = 3600_000;

const providers = [
  ConsoleAuthGuard,
  ConsoleReportJobsService,
  ConsoleQueuesService,
  ConsoleDeadLettersService,
  ReportDeadLettersService,
  {
    provide: ConsoleSessions,
    inject: [ConfigService],
    useFactory: (config: ConfigService) =>
      new ConsoleSessions(
        config.getOrThrow<string>('ADMIN_TOKEN'),
        config.getOrThrow<number>('CONSOLE_SESSION_HOURS') * HOUR_MS,
      ),
  },
  {
    provide: REPORT_TOPOLOGY,
    inject: [ConfigService],
    useFactory: (config: ConfigService) =>
      reportTopology({
        RABBITMQ_REQUEST_QUEUE: config.getOrThrow<string>('RABBITMQ_REQUEST_QUEUE'),
        RABBITMQ_RESPONSE_QUEUE: config.getOrThrow<string>('RABBITMQ_RESPONSE_QUEUE'),
        MAX_RETRIES: config.getOrThrow<number>('MAX_RETRIES'),
        REPORT_RETRY_DELAYS_MS: config.getOrThrow<number[]>('REPORT_RETRY_DELAYS_MS'),
        // Names only: the console declares no queue, so the dead-letter queue's limits do not matter here.
        REPORT_DLQ_TTL_MS: 0,
        REPORT_DLQ_MAX_LENGTH: 0,
        queueKind: queueKindFrom(config),
      }),
  },
  consoleCipherProvider,
];

/**
 * The operator console (`GET /console`): the queues of both pipelines, their dead letters and the
 * event throughput, report jobs, behind ADMIN_TOKEN. It reads the report pipeline's queue names from the
 * report worker's settings and declares none of them.
 */
@Module({})
export class ConsoleModule {
  /** `reportStore`: CONSOLE_MONGODB_URI is set, so the report jobs panel reads the worker's MongoDB. */
  static forRoot(options: { reportStore: boolean }): DynamicModule {
    return {
      module: ConsoleModule,
      imports: [AdminModule, ...(options.reportStore ? [ConsoleReportStoreModule.forRoot()] : [])],
      controllers: [ConsolePageHttpController, ConsoleApiHttpController],
      providers,
    };
  }
}
