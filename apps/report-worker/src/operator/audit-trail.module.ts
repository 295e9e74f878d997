import { createJsonLogger, ReportWorkerEnv } from '@app/config';
import { AuditEventsRepository, AuditRecord } from '@app/mongo';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ReportStoreModule } from './report-store.module';

/** Runs `work` with the audit trail (the worker's settings and MongoDB, nothing else) open, and closes it after. */
export async function withAuditTrail<T>(
  settings: ReportWorkerEnv,
  work: (trail: AuditEventsRepository) => Promise<T>,
): Promise<T> {
  const app: INestApplicationContext = await NestFactory.createApplicationContext(ReportStoreModule.forRoot(settings), {
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
