import { IntersectionType } from '@nestjs/mapped-types';
import { HealthPortEnv, LoggingEnv } from './sections/http.env';
import { MongoEnv } from './sections/mongo.env';
import { OpenAiEnv } from './sections/openai.env';
import { QueueKindEnv } from './sections/queue-kind.env';
import { RabbitMqEnv } from './sections/rabbitmq.env';
import { RedisEnv } from './sections/redis.env';
import { ReportQueueEnv } from './sections/report-queue.env';

/** Every setting the report worker reads; see .env.example. */
export class ReportWorkerEnv extends IntersectionType(
  LoggingEnv,
  HealthPortEnv,
  RabbitMqEnv,
  QueueKindEnv,
  ReportQueueEnv,
  MongoEnv,
  RedisEnv,
  OpenAiEnv,
) {}
