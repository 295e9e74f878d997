import { stopConsuming } from '@app/messaging';
import { AmqpConnection, Nack, RabbitPayload, RabbitRequest, RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { BeforeApplicationShutdown, Controller, Inject } from '@nestjs/common';
import { ConsumeMessage } from 'amqplib';
import { EventDeliveryProcessor } from '../pipeline/event-delivery.processor';
import { EVENT_HANDLER_NAMES } from '../pipeline/event-pipeline.topology';

export const QDRANT_EVENTS_PROCESSOR = Symbol('QDRANT_EVENTS_PROCESSOR');

/** Consumes the Qdrant sink queue (its name comes from settings, through the handler name). */
@Controller()
export class QdrantEventsMessageController implements BeforeApplicationShutdown {
  constructor(
    @Inject(QDRANT_EVENTS_PROCESSOR) private readonly processor: EventDeliveryProcessor,
    private readonly amqp: AmqpConnection,
  ) {}

  @RabbitSubscribe({ name: EVENT_HANDLER_NAMES.qdrant })
  handle(@RabbitPayload() body: unknown, @RabbitRequest() message: ConsumeMessage): Promise<Nack | undefined> {
    return this.processor.handle(body, message);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await stopConsuming(this.amqp, this.processor.queue);
    await this.processor.drain();
  }
}
