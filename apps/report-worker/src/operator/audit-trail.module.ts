import { createJsonLogger, ReportWorkerEnv, settingsModule } from '@app/config';
import { AuditEventsRepository, AuditRecord, MongoConnectionModule, ReportStorageModule } from '@app/mongo';
import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ReportProtectionModule } from '../protection/report-protection.module';

/** The audit trail for the operator commands: the worker's settings and MongoDB, nothing else. */
@Module({})
class AuditTrailModule {
  static forRoot(settings: ReportWorkerEnv): DynamicModule {
    return {
      module: AuditTrailModule,
      imports: [
        settingsModule(ReportWorkerEnv, settings),
        ReportProtectionModule,
        MongoConnectionModule.forRoot(),
        ReportStorageModule,
      ],
    };
  }
}

/** Runs `work` with the audit trail open, and closes it after. */
export async function withAuditTrail<T>(
  settings: ReportWorkerEnv,
  work: (trail: AuditEventsRepository) => Promise<T>,
): Promise<T> {
  const app: INestApplicationContext = await NestFactory.createApplicationContext(AuditTrailModule.forRoot(settings), {
    logger: createJsonLogger('error'),
  });
  try {
    return await work(app.get(AuditEventsRepository));
  } finally {
    await app.close();
  }
}

/** An operator command's record: the actor is the broker user it runs as (RABBITMQ_URL). */
export function operatorRecord(brokerUrl: string, record: Omit<AuditRecord, 'actor' | 'actor_via'>): AuditRecord {
  return { ...record, actor: decodeURIComponent(new URL(brokerUrl).username) || 'guest', actor_via: 'operator' };
}
