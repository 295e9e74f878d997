import { Neo4jWriterModule } from '@app/processors';
import { DynamicModule, Module } from '@nestjs/common';
import { BrokerEventSink } from './broker-event.sink';
import { DirectNeo4jEventSink } from './direct-neo4j-event.sink';
import { EventIngestService } from './event-ingest.service';
import { EVENT_SINK } from './event.sink';
import { EventsHttpController } from './events.http.controller';

/** POST /events and /events/batch, publishing to RabbitMQ or, when it is off, writing to Neo4j. */
@Module({})
export class EventsModule {
  static forRoot(useRabbitmq: boolean): DynamicModule {
    return {
      module: EventsModule,
      imports: useRabbitmq ? [] : [Neo4jWriterModule],
      controllers: [EventsHttpController],
      providers: [
        EventIngestService,
        ...(useRabbitmq
          ? [{ provide: EVENT_SINK, useClass: BrokerEventSink }]
          : [{ provide: EVENT_SINK, useClass: DirectNeo4jEventSink }]),
      ],
    };
  }
}
