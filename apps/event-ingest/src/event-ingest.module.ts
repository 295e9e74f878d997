import { EventIngestEnv, EventWorkerEnv, settingsModule } from '@app/config';
import { chosenSinks, EventProcessorRole, sinksOf } from '@app/config/sections/events.env';
import { RabbitConnectionModule } from '@app/messaging';
import { eventPipelineTopology, Neo4jProcessorModule, QdrantProcessorModule } from '@app/processors';
import { DynamicModule, Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { ReadinessDependency } from './health/readiness.dependencies';

export interface EventIngestOptions {
  /** Serve POST /events and the admin endpoints (false for a worker). Default true. */
  http?: boolean;
  /** Default: USE_RABBITMQ. */
  useRabbitmq?: boolean;
  /** Default: EVENT_PROCESSORS ("none" for the API; workers pass their --queue). */
  processors?: EventProcessorRole;
}

/**
 * Composition root of the event-ingest app, for each of its roles: the API (publishes, runs no
 * processors by default), a worker (processors only), or both in one process. Built by a function
 * so the role is read at boot, not at import; settings are validated by settingsModule.
 */
@Module({})
export class EventIngestModule {
  static forRoot(options: EventIngestOptions = {}): DynamicModule {
    const http = options.http ?? true;
    const useRabbitmq = options.useRabbitmq ?? process.env.USE_RABBITMQ?.trim().toLowerCase() !== 'false';
    // `all` runs the chosen sinks; a role naming another one is refused by the settings validation.
    const role = options.processors ?? (process.env.EVENT_PROCESSORS as EventProcessorRole) ?? 'none';
    const sinks = sinksOf(role, chosenSinks(process.env.EVENT_SINKS));
    const needsBroker = (http && useRabbitmq) || sinks.length > 0;
    const readiness: ReadinessDependency[] = [
      ...(needsBroker ? (['rabbitmq'] as const) : []),
      ...(sinks.includes('neo4j') || (http && !useRabbitmq) ? (['neo4j'] as const) : []),
      ...(sinks.includes('qdrant') ? (['qdrant'] as const) : []),
    ];
    return {
      module: EventIngestModule,
      imports: [
        settingsModule(http ? EventIngestEnv : EventWorkerEnv), // a worker has no admin endpoints, so no ADMIN_TOKEN
        ...(needsBroker ? [RabbitConnectionModule.forRoot((config) => eventPipelineTopology(config, sinks))] : []),
        ...(http ? [EventsModule.forRoot(useRabbitmq), ...(useRabbitmq ? [AdminModule] : [])] : []),
        ...(sinks.includes('neo4j') ? [Neo4jProcessorModule] : []),
        ...(sinks.includes('qdrant') ? [QdrantProcessorModule] : []),
        HealthModule.forRoot(readiness),
      ],
    };
  }
}
