import { KeyRing } from '@app/crypto';
import { PickType } from '@nestjs/mapped-types';
import { IsOptional, Matches } from 'class-validator';
import { EnvInt, EnvParsed } from '../env.decorators';
import { ReportQueueEnv } from './report-queue.env';

/**
 * The operator console of event-ingest (`GET /console`, behind ADMIN_TOKEN). It shows the queues of
 * both pipelines, so it reads the report worker's queue names from the same settings the worker
 * does; everything else of the report pipeline it does without.
 */
export class ConsoleEnv extends PickType(ReportQueueEnv, [
  'RABBITMQ_REQUEST_QUEUE',
  'RABBITMQ_RESPONSE_QUEUE',
  'MAX_RETRIES',
  'REPORT_RETRY_DELAYS_MS',
] as const) {
  /** How long a console login lasts; rotating ADMIN_TOKEN ends every session at once. */
  @EnvInt(1, 24)
  CONSOLE_SESSION_HOURS = 8;

  /**
   * The report worker's key ring (REPORT_ENCRYPTION_KEYS), given to the console on purpose: with it
   * the console shows the ids of sealed report dead letters and replays them. Empty: they are listed
   * by their failure headers only, and only unsealed ones can be replayed.
   */
  @IsOptional()
  @EnvParsed((value) => KeyRing.parse(value))
  CONSOLE_REPORT_ENCRYPTION_KEYS?: string;

  /**
   * The report worker's MongoDB, for the report jobs panel (status and attempts by request_id or
   * user_id; the report itself also needs CONSOLE_REPORT_ENCRYPTION_KEYS). Empty: the panel says
   * it is not configured.
   */
  @IsOptional()
  @Matches(/^mongodb(\+srv)?:\/\/[^\s]+$/, { message: '$property must be a mongodb:// or mongodb+srv:// URI' })
  CONSOLE_MONGODB_URI?: string;
}
