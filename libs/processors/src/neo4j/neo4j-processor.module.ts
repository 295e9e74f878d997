import { DeliveryFailureRouter } from '@app/messaging';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EVENT_DELIVERY_OBSERVER, EventDeliveryObserver } from '../pipeline/event-delivery.observer';
import { EventDeliveryProcessor } from '../pipeline/event-delivery.processor';
import { eventDeliverySettings } from '../pipeline/event-delivery.settings';
import { Neo4jEventWriter } from './neo4j-event.writer';
import { NEO4J_EVENTS_PROCESSOR, Neo4jEventsMessageController } from './neo4j-events.message.controller';
import { Neo4jWriterModule } from './neo4j-writer.module';

/** The Neo4j processor: needs the app's RabbitConnectionModule (eventPipelineTopology) and settings. */
@Module({
  imports: [Neo4jWriterModule],
  controllers: [Neo4jEventsMessageController],
  providers: [
    DeliveryFailureRouter,
    {
      provide: NEO4J_EVENTS_PROCESSOR,
      inject: [
        Neo4jEventWriter,
        DeliveryFailureRouter,
        ConfigService,
        { token: EVENT_DELIVERY_OBSERVER, optional: true },
      ],
      useFactory: (
        writer: Neo4jEventWriter,
        router: DeliveryFailureRouter,
        config: ConfigService,
        observer?: EventDeliveryObserver,
      ) =>
        new EventDeliveryProcessor(
          writer,
          router,
          eventDeliverySettings(config, 'neo4j', config.getOrThrow<number>('EVENTS_NEO4J_CONCURRENCY')),
          observer,
        ),
    },
  ],
  exports: [Neo4jWriterModule],
})
export class Neo4jProcessorModule {}
