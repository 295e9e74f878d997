import { DeliveryOutcome, resubscribeWhenCancelled, stopConsuming } from '@app/messaging';
import { AmqpConnection, Nack } from '@golevelup/nestjs-rabbitmq';
import { BeforeApplicationShutdown, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConsumeMessage } from 'amqplib';
import { EventDeliveryProcessor } from './event-delivery.processor';

/**
 * golevelup settles a delivery by what its handler returns: nothing acks it, a Nack(true) requeues
 * it. The one place an event delivery's outcome becomes that answer.
 */
export function rabbitAnswerOf(outcome: DeliveryOutcome): Nack | undefined {
  return outcome.kind === 'requeue' ? new Nack(true) : undefined;
}

/**
 * What every sink's message controller does besides subscribing: hand each delivery to its
 * processor and answer golevelup with the outcome, and shut down in two steps. Subclasses only add the @RabbitSubscribe handler, since
 * golevelup binds a handler name per decorated method.
 */
export abstract class SinkEventsConsumer implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private stopping = false;

  protected constructor(
    private readonly processor: EventDeliveryProcessor,
    private readonly amqp: AmqpConnection,
  ) {}

  protected async process(body: unknown, message: ConsumeMessage): Promise<Nack | undefined> {
    return rabbitAnswerOf(await this.processor.handle(body, message));
  }

  onModuleInit(): void {
    resubscribeWhenCancelled(
      this.amqp,
      this.processor.queue,
      () => this.stopping,
      new Logger(`${this.processor.queue}-consumer`),
    );
  }

  /**
   * Shutdown, step 1 (Nest runs every module's onModuleDestroy before any drain): stop deliveries,
   * so one sink's slow drain does not leave the other consuming meanwhile.
   */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await stopConsuming(this.amqp, this.processor.queue);
  }

  /** Step 2, before golevelup closes the connection and the store's driver closes: answer every delivery in hand. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.processor.drain();
  }
}
