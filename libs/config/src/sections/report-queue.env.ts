import { REPORT_QUEUES } from '@app/contracts';
import { IsString } from 'class-validator';
import { EnvDelayList, EnvInt } from '../env.decorators';

export class ReportQueueEnv {
  @IsString()
  RABBITMQ_REQUEST_QUEUE: string = REPORT_QUEUES.requests;

  @IsString()
  RABBITMQ_RESPONSE_QUEUE: string = REPORT_QUEUES.responses;

  /** Requests in flight per worker process; the LLM call is I/O, so more than one pays off. */
  @EnvInt(1, 1000)
  RABBITMQ_PREFETCH_COUNT = 16;

  @IsString()
  WORKER_NAME = 'report_worker';

  /** Retries of a transient failure before the request is dead-lettered. */
  @EnvInt(0, 20)
  MAX_RETRIES = 3;

  /** Broker-side delay before each retry; the last value repeats if MAX_RETRIES is larger. */
  @EnvDelayList()
  REPORT_RETRY_DELAYS_MS: number[] = [1000, 5000, 30000];

  /** Seconds a generated report stays cached (`report:{report_id}`). */
  @EnvInt(1, 30 * 24 * 3600)
  REPORT_CACHE_TTL = 86400;

  /** How long a response, retry or dead-letter publish waits for the broker's confirm before it fails. */
  @EnvInt(100, 120_000)
  REPORT_PUBLISH_TIMEOUT_MS = 10_000;

  /**
   * While MongoDB is unreachable or the LLM refuses the worker's configuration (401, 403, 404), a
   * request stays in hand and is tried again with backoff (0.1 s to 5 s) without spending an
   * attempt. After this long, counted from its delivery, it goes back to the broker unspent. The
   * ceiling keeps a delivery (this plus its last try, at most OPENAI_TIMEOUT_MS of 10 minutes)
   * under RabbitMQ's 30-minute delivery acknowledgement timeout, which would close the channel.
   */
  @EnvInt(1000, 15 * 60 * 1000)
  REPORT_OUTAGE_HOLD_MS = 10 * 60 * 1000;

  /** On SIGTERM: how long in-flight requests may take to finish before the consumer closes anyway. */
  @EnvInt(0, 15 * 60 * 1000)
  REPORT_DRAIN_TIMEOUT_MS = 30_000;
}
