import { IntersectionType } from '@nestjs/mapped-types';
import { HealthPortEnv, LoggingEnv } from './sections/http.env';
import { MessageSizeEnv } from './sections/message-size.env';
import { MongoEnv } from './sections/mongo.env';
import { OpenAiEnv } from './sections/openai.env';
import { QueueKindEnv } from './sections/queue-kind.env';
import { RabbitMqEnv } from './sections/rabbitmq.env';
import { RedisEnv } from './sections/redis.env';
import { ReportAccessEnv } from './sections/report-access.env';
import { ReportProtectionEnv } from './sections/report-protection.env';
import { ReportQueueEnv } from './sections/report-queue.env';
import { WebhookEnv } from './sections/webhook.env';
import { TracingEnv } from './sections/tracing.env';

/** Every setting the report worker reads; see .env.example. */
export class ReportWorkerEnv extends IntersectionType(
  LoggingEnv,
  HealthPortEnv,
  RabbitMqEnv,
  QueueKindEnv,
  ReportQueueEnv,
  MessageSizeEnv,
  ReportProtectionEnv,
  ReportAccessEnv,
  MongoEnv,
  RedisEnv,
  OpenAiEnv,
  WebhookEnv,
  TracingEnv,
) {}
