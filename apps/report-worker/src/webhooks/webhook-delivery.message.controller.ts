import { resubscribeWhenCancelled, REPORT_TOPOLOGY, ReportTopology, deliveryOf, stopConsuming } from '@app/messaging';
import { AmqpConnection, Nack, RabbitRequest, RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';
import { BeforeApplicationShutdown, Controller, Inject, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import { WEBHOOK_CHANNEL, WEBHOOK_HANDLER_NAME } from './webhook-consumer.topology';
import { WebhookDeliveryService } from './webhook-delivery.service';

/**
 * Consumes the webhook job queue (golevelup, on a channel of its own with WEBHOOK_PREFETCH_COUNT),
 * subscribed only while webhooks are on. golevelup settles by the answer: nothing acks, Nack(true)
 * requeues. Shutdown in two steps, as the event sinks do: stop deliveries, then drain.
 */
@Controller()
export class WebhookDeliveryMessageController implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveryMessageController.name);
  private stopping = false;

  constructor(
    private readonly deliveries: WebhookDeliveryService,
    private readonly amqp: AmqpConnection,
    @Inject(REPORT_TOPOLOGY) private readonly topology: ReportTopology,
  ) {}

  @RabbitSubscribe({ name: WEBHOOK_HANDLER_NAME })
  async handle(@RabbitRequest() message: ConsumeMessage): Promise<Nack | undefined> {
    const outcome = await this.deliveries.handle(deliveryOf(message));
    return outcome.kind === 'requeue' ? new Nack(true) : undefined;
  }

  onModuleInit(): void {
    const queue = this.topology.webhooks?.queue;
    if (queue) resubscribeWhenCancelled(this.amqp, queue, () => this.stopping, this.logger, WEBHOOK_CHANNEL);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    const queue = this.topology.webhooks?.queue;
    if (queue) await stopConsuming(this.amqp, queue);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.deliveries.drain();
  }
}
