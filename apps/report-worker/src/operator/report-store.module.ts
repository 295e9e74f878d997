import { ReportWorkerEnv, settingsModule } from '@app/config';
import { MongoConnectionModule, ReportStorageModule } from '@app/mongo';
import { DynamicModule, Module } from '@nestjs/common';
import { ReportProtectionModule } from '../protection/report-protection.module';

/**
 * What a command that reads or writes the report store needs: the worker's settings (those the
 * command loaded at start; without them, a test, read from the environment), its key ring and
 * MongoDB with the report repositories. The audit trail, the knowledge-base import and the key
 * rotation build on it.
 */
@Module({})
export class ReportStoreModule {
  static forRoot(settings?: ReportWorkerEnv): DynamicModule {
    return {
      module: ReportStoreModule,
      imports: [
        settingsModule(ReportWorkerEnv, settings),
        ReportProtectionModule,
        MongoConnectionModule.forRoot(),
        ReportStorageModule,
      ],
      exports: [ReportProtectionModule, ReportStorageModule],
    };
  }
}
