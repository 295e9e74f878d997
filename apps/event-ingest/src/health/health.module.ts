import { Neo4jDriverModule, QdrantModule } from '@app/processors';
import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { READINESS_DEPENDENCIES, ReadinessDependency } from './readiness.dependencies';

/** Probes; readiness checks only what this process's role uses (see event-ingest.module.ts). */
@Module({})
export class HealthModule {
  static forRoot(dependencies: ReadinessDependency[]): DynamicModule {
    return {
      module: HealthModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        ...(dependencies.includes('neo4j') ? [Neo4jDriverModule] : []),
        ...(dependencies.includes('qdrant') ? [QdrantModule] : []),
      ],
      controllers: [HealthController],
      providers: [{ provide: READINESS_DEPENDENCIES, useValue: dependencies }],
    };
  }
}
