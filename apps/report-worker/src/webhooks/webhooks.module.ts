import { Module } from '@nestjs/common';
import { ReportsModule } from '../reports/reports.module';
import { WebhookDeliveryMessageController } from './webhook-delivery.message.controller';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookSender } from './webhook.sender';

/**
 * The webhook consumer: POSTs the jobs the report pipeline enqueued (WebhookJobs, in ReportsModule
 * beside the publishes it joins), with the report slice's topology, URL policy and job publisher.
 */
@Module({
  imports: [ReportsModule],
  controllers: [WebhookDeliveryMessageController],
  providers: [WebhookDeliveryService, WebhookSender],
})
export class WebhooksModule {}
