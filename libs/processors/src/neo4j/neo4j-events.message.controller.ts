import { stopConsuming } from '@app/messaging';
import { AmqpConnection, Nack, RabbitPayload, RabbitRequest, RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { BeforeApplicationShutdown, Controller, Inject, OnModuleDestroy } from '@nestjs/common';
import { ConsumeMessage } from 'amqplib';
import { EventDeliveryProcessor } from '../pipeline/event-delivery.processor';
import { EVENT_HANDLER_NAMES } from '../pipeline/event-pipeline.topology';

export const NEO4J_EVENTS_PROCESSOR = Symbol('NEO4J_EVENTS_PROCESSOR');

/** Consumes the Neo4j sink queue (its name comes from settings, through the handler name). */
@Controller()
export class Neo4jEventsMessageController implements OnModuleDestroy, BeforeApplicationShutdown {
  constructor(
    @Inject(NEO4J_EVENTS_PROCESSOR) private readonly processor: EventDeliveryProcessor,
    private readonly amqp: AmqpConnection,
  ) {}

  @RabbitSubscribe({ name: EVENT_HANDLER_NAMES.neo4j })
  handle(@RabbitPayload() body: unknown, @RabbitRequest() message: ConsumeMessage): Promise<Nack | undefined> {
    return this.processor.handle(body, message);
  }

  /**
   * Shutdown, step 1 (Nest runs every module's onModuleDestroy before any drain): stop deliveries,
   * so one sink's slow drain does not leave the other consuming meanwhile.
   */
  async onModuleDestroy(): Promise<void> {
    await stopConsuming(this.amqp, this.processor.queue);
  }

  /** Step 2, before golevelup closes the connection and the store's driver closes: answer every delivery in hand. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.processor.drain();
  }
}
