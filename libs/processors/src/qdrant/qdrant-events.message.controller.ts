import { AmqpConnection, Nack, RabbitPayload, RabbitRequest, RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { Controller, Inject } from '@nestjs/common';
import { ConsumeMessage } from 'amqplib';
import { EventDeliveryProcessor } from '../pipeline/event-delivery.processor';
import { EVENT_HANDLER_NAMES } from '../pipeline/event-pipeline.topology';
import { SinkEventsConsumer } from '../pipeline/sink-events.consumer';

export const QDRANT_EVENTS_PROCESSOR = Symbol('QDRANT_EVENTS_PROCESSOR');

/** Consumes the Qdrant sink queue (its name comes from settings, through the handler name). */
@Controller()
export class QdrantEventsMessageController extends SinkEventsConsumer {
  constructor(@Inject(QDRANT_EVENTS_PROCESSOR) processor: EventDeliveryProcessor, amqp: AmqpConnection) {
    super(processor, amqp);
  }

  @RabbitSubscribe({ name: EVENT_HANDLER_NAMES.qdrant })
  handle(@RabbitPayload() body: unknown, @RabbitRequest() message: ConsumeMessage): Promise<Nack | undefined> {
    return this.process(body, message);
  }
}
