import { IntersectionType } from '@nestjs/mapped-types';
import { EventsEnv, QdrantEnv } from './sections/events.env';
import { HttpPortEnv, LoggingEnv } from './sections/http.env';
import { Neo4jEnv } from './sections/neo4j.env';
import { RabbitMqEnv } from './sections/rabbitmq.env';

/** Every setting the event-ingest API and its processors read; see .env.example. */
export class EventIngestEnv extends IntersectionType(LoggingEnv, HttpPortEnv, RabbitMqEnv, EventsEnv, Neo4jEnv, QdrantEnv) {}
