import { IntersectionType } from '@nestjs/mapped-types';
import { ConsoleEnv } from './sections/console.env';
import { AdminEnv, EventsEnv, QdrantEnv } from './sections/events.env';
import { HttpLimitsEnv, HttpPortEnv, LoggingEnv } from './sections/http.env';
import { Neo4jEnv } from './sections/neo4j.env';
import { QueueKindEnv } from './sections/queue-kind.env';
import { RabbitMqEnv } from './sections/rabbitmq.env';
import { TracingEnv } from './sections/tracing.env';

/** Every setting of the event workers and the DLQ command line; see .env.example. */
export class EventWorkerEnv extends IntersectionType(
  LoggingEnv,
  HttpPortEnv,
  HttpLimitsEnv,
  RabbitMqEnv,
  QueueKindEnv,
  EventsEnv,
  Neo4jEnv,
  QdrantEnv,
  TracingEnv,
) {}

/** Every setting the event-ingest API reads: the workers' plus ADMIN_TOKEN for its admin endpoints and console. */
export class EventIngestEnv extends IntersectionType(AdminEnv, ConsoleEnv, EventWorkerEnv) {}
