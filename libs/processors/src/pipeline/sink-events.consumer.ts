import { stopConsuming } from '@app/messaging';
import { AmqpConnection, Nack } from '@golevelup/nestjs-rabbitmq';
import { BeforeApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { ConsumeMessage } from 'amqplib';
import { EventDeliveryProcessor } from './event-delivery.processor';

/**
 * What every sink's message controller does besides subscribing: hand each delivery to its
 * processor, and shut down in two steps. Subclasses only add the @RabbitSubscribe handler, since
 * golevelup binds a handler name per decorated method.
 */
export abstract class SinkEventsConsumer implements OnModuleDestroy, BeforeApplicationShutdown {
  protected constructor(
    private readonly processor: EventDeliveryProcessor,
    private readonly amqp: AmqpConnection,
  ) {}

  protected process(body: unknown, message: ConsumeMessage): Promise<Nack | undefined> {
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
