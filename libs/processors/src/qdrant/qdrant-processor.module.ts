import { DeliveryFailureRouter } from '@app/messaging';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EVENT_DELIVERY_OBSERVER, EventDeliveryObserver } from '../pipeline/event-delivery.observer';
import { EventDeliveryProcessor } from '../pipeline/event-delivery.processor';
import { eventDeliverySettings } from '../pipeline/event-delivery.settings';
import { QDRANT_EVENTS_PROCESSOR, QdrantEventsMessageController } from './qdrant-events.message.controller';
import { QdrantProfileWriter } from './qdrant-profile.writer';
import { QdrantModule } from './qdrant.module';

/**
 * One batch at a time: a profile update is read-modify-write, and two batches of the same user in
 * flight would overwrite each other. (Across processes the same can happen; see the docs.)
 */
const QDRANT_BATCH_CONCURRENCY = 1;

@Module({
  imports: [QdrantModule],
  controllers: [QdrantEventsMessageController],
  providers: [
    DeliveryFailureRouter,
    QdrantProfileWriter,
    {
      provide: QDRANT_EVENTS_PROCESSOR,
      inject: [
        QdrantProfileWriter,
        DeliveryFailureRouter,
        ConfigService,
        { token: EVENT_DELIVERY_OBSERVER, optional: true },
      ],
      useFactory: (
        writer: QdrantProfileWriter,
        router: DeliveryFailureRouter,
        config: ConfigService,
        observer?: EventDeliveryObserver,
      ) =>
        new EventDeliveryProcessor(
          writer,
          router,
          eventDeliverySettings(config, 'qdrant', QDRANT_BATCH_CONCURRENCY),
          observer,
        ),
    },
  ],
  exports: [QdrantModule],
})
export class QdrantProcessorModule {}
