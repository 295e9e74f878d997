import { EventIngestEnv, EventWorkerEnv, readSettings, settingsModule } from '@app/config';
import { EventProcessorRole, sinksOf } from '@app/config/sections/events.env';
import { RabbitConnectionModule } from '@app/messaging';
import { eventPipelineTopology, Neo4jProcessorModule, QdrantProcessorModule } from '@app/processors';
import { TracingModule } from '@app/tracing';
import { DynamicModule, Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { ConsoleModule } from './console/console.module';
import { EventThroughputModule } from './events/event-throughput';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { ReadinessDependency } from './health/readiness.dependencies';
import { MetricsModule } from './metrics/metrics.module';

interface EventRoleOptions {
  /** Default: USE_RABBITMQ. */
  useRabbitmq?: boolean;
  /** Default: EVENT_PROCESSORS ("none" for the API; workers pass their --queue). */
  processors?: EventProcessorRole;
}

/**
 * `settings` are the ones main.ts loaded at boot; without them (a test) they are read from the
 * environment now. The API's include ADMIN_TOKEN, a worker's need not.
 */
export type EventIngestOptions = EventRoleOptions &
  (
    | { /** Serve POST /events and the admin endpoints. */ http?: true; settings?: EventIngestEnv }
    | { /** A worker: processors (and health) only. */ http: false; settings?: EventWorkerEnv }
  );

/**
 * Composition root of the event-ingest app, for each of its roles: the API (publishes, runs no
 * processors by default), a worker (processors only), or both in one process. Built by a function
 * so the role is read at boot, not at import.
 */
@Module({})
export class EventIngestModule {
  static forRoot(options: EventIngestOptions = {}): DynamicModule {
    const http = options.http ?? true;
    // A worker has no admin endpoints, so no ADMIN_TOKEN.
    const schema = http ? EventIngestEnv : EventWorkerEnv;
    const settings = options.settings ?? readSettings<EventWorkerEnv>(schema);
    const useRabbitmq = options.useRabbitmq ?? settings.USE_RABBITMQ;
    // `all` runs the chosen sinks; a role naming another one is refused by the settings validation.
    const role = options.processors ?? settings.EVENT_PROCESSORS;
    const sinks = sinksOf(role, settings.EVENT_SINKS);
    const needsBroker = (http && useRabbitmq) || sinks.length > 0;
    const consoleMongo = http ? (settings as EventIngestEnv).CONSOLE_MONGODB_URI : undefined;
    const readiness: ReadinessDependency[] = [
      ...(needsBroker ? (['rabbitmq'] as const) : []),
      ...(sinks.includes('neo4j') || (http && !useRabbitmq) ? (['neo4j'] as const) : []),
      ...(sinks.includes('qdrant') ? (['qdrant'] as const) : []),
    ];
    return {
      module: EventIngestModule,
      imports: [
        settingsModule<EventWorkerEnv>(schema, settings),
        MetricsModule.forRoot(needsBroker),
        TracingModule.forRoot('event-ingest'),
        ...(needsBroker ? [RabbitConnectionModule.forRoot((config) => eventPipelineTopology(config, sinks))] : []),
        ...(http
          ? [
              EventThroughputModule,
              EventsModule.forRoot(useRabbitmq),
              ...(useRabbitmq ? [AdminModule, ConsoleModule.forRoot({ reportStore: Boolean(consoleMongo) })] : []),
            ]
          : []),
        ...(sinks.includes('neo4j') ? [Neo4jProcessorModule] : []),
        ...(sinks.includes('qdrant') ? [QdrantProcessorModule] : []),
        HealthModule.forRoot(readiness),
      ],
    };
  }
}
