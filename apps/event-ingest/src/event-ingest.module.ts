import { EventIngestEnv, settingsModule } from '@app/config';
import { RabbitConnectionModule } from '@app/messaging';
import { DynamicModule, Module } from '@nestjs/common';
import { HealthModule } from './health/health.module';

/** Composition root of the event-ingest API. Built by a function so settings are read at boot, not at import. */
@Module({})
export class EventIngestModule {
  static forRoot(): DynamicModule {
    return {
      module: EventIngestModule,
      imports: [settingsModule(EventIngestEnv), RabbitConnectionModule.forRoot(), HealthModule],
    };
  }
}
